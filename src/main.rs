use clap::Parser;
use majlis::cli::{self, Cli, Command, FilterCommand};
use majlis::config::Settings;
use majlis::filter_cli;
use majlis::startup::Application;
use majlis::telemetry;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = Settings::load()?;
    telemetry::init(&settings.log);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => Application::build(settings).await?.run_until_stopped().await?,
        Command::Migrate => cli::migrate(&settings).await?,
        Command::Keys { action } => cli::keys(&settings, action).await?,
        Command::Filter {
            action: FilterCommand::Check,
        } => filter_cli::check()?,
        Command::Filter {
            action: FilterCommand::Eval { file },
        } => filter_cli::eval(&file)?,
        Command::Filter {
            action: FilterCommand::Train { data, out },
        } => filter_cli::train(&data, &out)?,
    }
    Ok(())
}
