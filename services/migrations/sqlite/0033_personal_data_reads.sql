-- The access log of personal data: see the PostgreSQL migration. Times are RFC 3339 text in UTC.
CREATE TABLE personal_data_reads
(
    id          integer PRIMARY KEY AUTOINCREMENT,
    read_at     text NOT NULL,
    actor_id    text NOT NULL,
    actor_name  text,
    role        text NOT NULL,
    scope       text,
    case_id     text NOT NULL,
    route       text NOT NULL
);

CREATE INDEX personal_data_reads_by_case ON personal_data_reads (case_id, id);
