//! `klikt collection …`: the organizer's curated, ordered sets of an event's
//! media (local only, never sent to the server). Thin calls into klikt-api.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;
use klikt_api::{CollectionSummary, Klikt, MediaItem, Position};

use crate::output::{self, printable};

#[derive(Subcommand)]
pub enum CollectionCommand {
    /// Create an empty collection (the name must be new to the event).
    Create {
        /// Event id or name.
        event: String,
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Rename a collection.
    Rename {
        event: String,
        /// The collection's name (or id).
        name: String,
        new_name: String,
    },
    /// Delete a collection (its media stay in the event).
    Delete { event: String, name: String },
    /// Append media to a collection; items already in it stay where they are.
    Add {
        event: String,
        name: String,
        /// Media ids (see `klikt ls`).
        #[arg(required = true, value_name = "ID")]
        ids: Vec<i64>,
        #[arg(long)]
        json: bool,
    },
    /// Take media out of a collection (they stay in the event).
    Remove {
        event: String,
        name: String,
        #[arg(required = true, value_name = "ID")]
        ids: Vec<i64>,
        #[arg(long)]
        json: bool,
    },
    /// Move an item within a collection.
    Move {
        event: String,
        name: String,
        /// The media id to move.
        #[arg(value_name = "ID")]
        media_id: i64,
        #[command(flatten)]
        to: MoveTarget,
    },
    /// Without NAME: the event's collections with their item counts; with
    /// NAME: its items in order.
    Ls {
        event: String,
        name: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::Args)]
#[group(required = true, multiple = false)]
pub struct MoveTarget {
    /// Right before this item of the collection.
    #[arg(long, value_name = "ID")]
    before: Option<i64>,
    /// Right after this item of the collection.
    #[arg(long, value_name = "ID")]
    after: Option<i64>,
    /// To this place, 1 being the first (past the end: last).
    #[arg(long, value_name = "INDEX", value_parser = clap::value_parser!(u32).range(1..))]
    to: Option<u32>,
}

impl MoveTarget {
    fn position(&self) -> Position {
        match (self.before, self.after, self.to) {
            (Some(id), _, _) => Position::Before(id),
            (_, Some(id), _) => Position::After(id),
            // clap requires one of the three; `--to` is 1-based, the API 0-based.
            (_, _, to) => Position::Index(to.unwrap_or(1).saturating_sub(1)),
        }
    }
}

pub fn run(klikt: &Klikt, command: CollectionCommand) -> Result<ExitCode> {
    match command {
        CollectionCommand::Create { event, name, json } => {
            let created = klikt.create_collection(&event, &name)?;
            if json {
                output::json(&created)?;
            }
            eprintln!(
                "Created collection \"{}\" (id {}).",
                printable(&created.name),
                created.id
            );
        }
        CollectionCommand::Rename {
            event,
            name,
            new_name,
        } => {
            let renamed = klikt.rename_collection(&event, &name, &new_name)?;
            eprintln!(
                "Renamed collection {} to \"{}\".",
                renamed.id,
                printable(&renamed.name)
            );
        }
        CollectionCommand::Delete { event, name } => {
            let deleted = klikt.delete_collection(&event, &name)?;
            eprintln!(
                "Deleted collection \"{}\" ({} item(s); the media stay in the event).",
                printable(&deleted.name),
                deleted.item_count
            );
        }
        CollectionCommand::Add {
            event,
            name,
            ids,
            json,
        } => {
            let report = klikt.add_to_collection(&event, &name, &ids)?;
            return output::decision_outcome(&report, json);
        }
        CollectionCommand::Remove {
            event,
            name,
            ids,
            json,
        } => {
            let report = klikt.remove_from_collection(&event, &name, &ids)?;
            return output::decision_outcome(&report, json);
        }
        CollectionCommand::Move {
            event,
            name,
            media_id,
            to,
        } => {
            output::decision_summary(&klikt.move_in_collection(
                &event,
                &name,
                media_id,
                to.position(),
            )?);
        }
        CollectionCommand::Ls {
            event,
            name: None,
            json,
        } => {
            let list = klikt.collections(&event)?;
            if json {
                output::json(&list)?;
            } else {
                collections_table(&mut std::io::stdout().lock(), &list)?;
            }
        }
        CollectionCommand::Ls {
            event,
            name: Some(name),
            json,
        } => {
            let items = klikt.collection_items(&event, &name)?;
            if json {
                output::json(&items)?;
            } else {
                items_table(&mut std::io::stdout().lock(), &items)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn collections_table(out: &mut dyn Write, list: &[CollectionSummary]) -> std::io::Result<()> {
    if list.is_empty() {
        writeln!(
            out,
            "No collections yet. Create one with: klikt collection create EVENT NAME"
        )?;
        return Ok(());
    }
    writeln!(out, "{:>5}  {:>6}  NAME", "ID", "ITEMS")?;
    for c in list {
        writeln!(
            out,
            "{:>5}  {:>6}  {}",
            c.id,
            c.item_count,
            printable(&c.name)
        )?;
    }
    Ok(())
}

/// The items in order, numbered as `--to` counts them.
fn items_table(out: &mut dyn Write, items: &[MediaItem]) -> std::io::Result<()> {
    if items.is_empty() {
        writeln!(out, "This collection is empty.")?;
        return Ok(());
    }
    writeln!(
        out,
        "{:>4}  {:>6}  {:<5}  {:<8}  {:<8}  NAME",
        "#", "ID", "KIND", "STATUS", "FLAG"
    )?;
    for (i, item) in items.iter().enumerate() {
        writeln!(
            out,
            "{:>4}  {:>6}  {:<5}  {:<8}  {:<8}  {}",
            i + 1,
            item.id,
            item.kind.as_str(),
            item.status.as_str(),
            item.flag.as_str(),
            printable(&item.original_name)
        )?;
    }
    Ok(())
}
