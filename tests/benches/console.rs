//! Console page latency (placeholder until the console lands).

fn main() {
    println!("console bench: not yet written");
}
