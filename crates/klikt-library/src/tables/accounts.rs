//! The `accounts` table: which Klikt server the organizer signed in to, as
//! whom. Tokens are not here: they live only in the operating system's
//! keyring.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub server_url: String,
    pub email: String,
    pub signed_in_at: String,
}

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        server_url: row.get(0)?,
        email: row.get(1)?,
        signed_in_at: row.get(2)?,
    })
}

/// Records a sign-in and makes it the current account.
pub fn sign_in(conn: &Connection, account: &Account) -> Result<()> {
    conn.execute(
        "UPDATE accounts SET is_current = 0 WHERE is_current = 1",
        [],
    )?;
    conn.execute(
        "INSERT INTO accounts (server_url, email, signed_in_at, is_current) VALUES (?1, ?2, ?3, 1)
         ON CONFLICT (server_url) DO UPDATE SET
             email = excluded.email, signed_in_at = excluded.signed_in_at, is_current = 1",
        params![account.server_url, account.email, account.signed_in_at],
    )?;
    Ok(())
}

/// The account commands use when none is named.
pub fn current(conn: &Connection) -> Result<Option<Account>> {
    Ok(conn
        .query_row(
            "SELECT server_url, email, signed_in_at FROM accounts WHERE is_current = 1",
            [],
            from_row,
        )
        .optional()?)
}

/// The account on `server_url`, if the organizer signed in there.
pub fn get(conn: &Connection, server_url: &str) -> Result<Option<Account>> {
    Ok(conn
        .query_row(
            "SELECT server_url, email, signed_in_at FROM accounts WHERE server_url = ?1",
            [server_url],
            from_row,
        )
        .optional()?)
}

/// Forgets an account (sign out).
pub fn remove(conn: &Connection, server_url: &str) -> Result<bool> {
    Ok(conn.execute("DELETE FROM accounts WHERE server_url = ?1", [server_url])? > 0)
}
