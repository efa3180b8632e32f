//! The command line: `serve` (default), `migrate`, `keys`.

use clap::{Parser, Subcommand};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::auth::generate_staff_key;
use crate::config::Settings;
use crate::domain::Role;
use crate::storage::{self, NewStaffKey};

#[derive(Debug, Parser)]
#[command(
    name = "majlis",
    version,
    about = "Comments and engagement for news sites, Arabic first"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (the default).
    Serve,
    /// Apply the database migrations and exit.
    Migrate,
    /// Manage staff API keys.
    Keys {
        #[command(subcommand)]
        action: KeysCommand,
    },
    /// Use the content filter offline.
    Filter {
        #[command(subcommand)]
        action: FilterCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum FilterCommand {
    /// Judge texts read from stdin, one per line; print one JSON verdict per line.
    Check,
    /// Judge `text<TAB>label` lines and print precision, recall, F1 and the confusion matrix.
    Eval { file: std::path::PathBuf },
    /// Train the shipped models from the team's data folder and write them to `--out`.
    Train {
        #[arg(long, default_value = "../shared/data")]
        data: std::path::PathBuf,
        #[arg(long, default_value = "config/models")]
        out: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key; it is printed once, alone on the last line.
    Create {
        #[arg(long, value_parser = ["publisher", "moderator", "admin"])]
        role: String,
        #[arg(long)]
        name: String,
    },
    /// List keys (never the keys themselves).
    List,
    /// Revoke a key by id.
    Revoke { id: Uuid },
}

pub async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    // `connect` migrates.
    let store = storage::connect(&settings.database.url, 1).await?;
    store.close().await;
    println!("migrations applied");
    Ok(())
}

pub async fn keys(settings: &Settings, action: KeysCommand) -> anyhow::Result<()> {
    let store = storage::connect(&settings.database.url, 1).await?;
    let now = OffsetDateTime::now_utc();
    match action {
        KeysCommand::Create { role, name } => {
            let role = Role::parse(&role).ok_or_else(|| anyhow::anyhow!("unknown role {role}"))?;
            let name = name.trim();
            anyhow::ensure!((1..=100).contains(&name.len()), "the name is 1 to 100 characters");
            let (key, key_hash) = generate_staff_key();
            let stored = store
                .insert_staff_key(&NewStaffKey {
                    id: Uuid::now_v7(),
                    name: name.to_string(),
                    role,
                    key_hash,
                    created_at: now,
                })
                .await?;
            println!(
                "created {} key {:?} with id {}; it is shown once:",
                role.as_str(),
                stored.name,
                stored.id
            );
            println!("{key}");
        }
        KeysCommand::List => {
            for k in store.list_staff_keys().await? {
                let state = if k.revoked_at.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                println!("{}\t{}\t{}\t{}", k.id, k.role, state, k.name);
            }
        }
        KeysCommand::Revoke { id } => {
            store.revoke_staff_key(id, now).await?;
            println!("revoked {id}");
        }
    }
    store.close().await;
    Ok(())
}
