//! `kiemdiem rules …`: the black-box interface to the rules crate.

use clap::Subcommand;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Print the rule sets and their parameters.
    List,
}

pub fn run(command: RulesCommand) -> ExitCode {
    match command {
        RulesCommand::List => {
            for id in kiemdiem_rules::RuleSetId::ALL {
                println!("{id}\t{}", id.legal_basis());
            }
            ExitCode::SUCCESS
        }
    }
}
