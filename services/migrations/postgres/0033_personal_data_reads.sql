-- The access log of personal data (DESIGN §1): every read of a requester's name and phone,
-- unmasked, by a street or a department: who, which case, when, through which route. Auditors read
-- it at GET /api/v1/audit/access. Append-only; `id` orders it.
CREATE TABLE personal_data_reads
(
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    read_at     timestamptz NOT NULL,
    actor_id    text        NOT NULL,
    actor_name  text,
    role        text        NOT NULL,
    scope       text,
    case_id     text        NOT NULL,
    route       text        NOT NULL
);

CREATE INDEX personal_data_reads_by_case ON personal_data_reads (case_id, id);
