use clap::Parser;

fn main() -> std::process::ExitCode {
    kiemdiem::run(kiemdiem::Cli::parse())
}
