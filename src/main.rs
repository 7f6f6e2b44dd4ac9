//! The `yorisoi` command: `serve` (the default), `migrate`, `create-user` and `demo`.

use clap::{Parser, Subcommand};
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;
use yorisoi::clock::SystemClock;
use yorisoi::domain::{DisplayName, Email, FullName, Lang, Password, Role};
use yorisoi::services::{Actor, staff};
use yorisoi::{App, Config, paths};

#[derive(Parser)]
#[command(
    name = "yorisoi",
    version,
    about = "A support-intake desk for customers who cannot simply pick up the phone."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Apply pending migrations, then serve (what runs when no command is given).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Create a staff account. The password comes from YORISOI_PASSWORD, or is asked for twice.
    CreateUser {
        /// The address the staff member signs in with.
        #[arg(long)]
        email: String,
        /// Their full name (seen by staff only).
        #[arg(long)]
        name: String,
        /// The name customers see.
        #[arg(long)]
        display_name: String,
        /// One of admin, supervisor, coordinator, interpreter.
        #[arg(long)]
        role: String,
        /// Set no password: email the staff member an invitation to choose one instead.
        #[arg(long)]
        invite: bool,
        /// The language of the invitation email: ja or en.
        #[arg(long, default_value = "ja")]
        lang: String,
    },
    /// Load demo staff (an admin, a supervisor, a coordinator and four interpreters with
    /// availability) and a proxy approved to act for one customer, and print how to sign
    /// in. The password comes from YORISOI_PASSWORD, or a new one is made and printed.
    Demo,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("yorisoi: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("yorisoi: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(config).await,
            Command::Migrate => migrate(config).await,
            Command::CreateUser {
                email,
                name,
                display_name,
                role,
                invite,
                lang,
            } => {
                let account = NewAccount {
                    email,
                    name,
                    display_name,
                    role,
                    invite,
                    lang,
                };
                create_user(config, account).await
            }
            Command::Demo => demo(config).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("yorisoi: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn start(config: Config) -> Result<App, String> {
    App::start(config, Arc::new(SystemClock))
        .await
        .map_err(|e| e.to_string())
}

async fn serve(config: Config) -> Result<(), String> {
    let bind = config.bind;
    let base_url = config.base_url.clone();
    let app = start(config).await?;
    if let Some(link) = app.setup_link().await.map_err(|e| e.to_string())? {
        tracing::warn!("no staff account exists yet; create the first admin at {link}");
    }
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| format!("YORISOI_BIND: cannot listen on {bind}: {e}"))?;
    tracing::info!("serving at {base_url} (listening on {bind})");
    app.serve(listener, shutdown_signal())
        .await
        .map_err(|e| e.to_string())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

async fn migrate(config: Config) -> Result<(), String> {
    start(config).await?;
    eprintln!("yorisoi: migrations applied");
    Ok(())
}

fn read_password() -> Result<String, String> {
    if let Ok(password) = std::env::var("YORISOI_PASSWORD") {
        return Ok(password);
    }
    if !std::io::stdin().is_terminal() {
        return Err(
            "YORISOI_PASSWORD: not set, and there is no terminal to ask for the password".into(),
        );
    }
    let first = rpassword::prompt_password("Password: ").map_err(|e| e.to_string())?;
    let second = rpassword::prompt_password("Password again: ").map_err(|e| e.to_string())?;
    if first != second {
        return Err("the two passwords differ".into());
    }
    Ok(first)
}

/// The `create-user` arguments.
struct NewAccount {
    email: String,
    name: String,
    display_name: String,
    role: String,
    invite: bool,
    lang: String,
}

async fn create_user(config: Config, account: NewAccount) -> Result<(), String> {
    let NewAccount {
        email,
        name,
        display_name,
        role,
        invite,
        lang,
    } = account;
    let email =
        Email::parse(&email).map_err(|_| format!("--email: `{email}` is not an email address"))?;
    let full_name = FullName::parse(&name).map_err(|_| {
        format!(
            "--name: give a name of 1 to {} characters",
            FullName::MAX_CHARS
        )
    })?;
    let display_name = DisplayName::parse(&display_name).map_err(|_| {
        format!(
            "--display-name: give a name of 1 to {} characters",
            DisplayName::MAX_CHARS
        )
    })?;
    let role = Role::parse(&role).map_err(|_| {
        format!("--role: `{role}` is not one of admin, supervisor, coordinator, interpreter")
    })?;
    let lang = Lang::from_code(&lang)
        .filter(|l| l.code() == lang)
        .ok_or_else(|| format!("--lang: `{lang}` is not ja or en"))?;
    let password = if invite {
        None
    } else {
        Some(Password::parse(&read_password()?).map_err(|_| {
            format!(
                "password: use {} to {} characters",
                Password::MIN_CHARS,
                Password::MAX_CHARS
            )
        })?)
    };
    let app = start(config).await?;
    let state = app.state();
    let password_hash = match &password {
        Some(password) => Some(
            state
                .hasher
                .hash(password.expose())
                .await
                .map_err(|e| e.to_string())?,
        ),
        None => None,
    };
    let new = staff::NewStaff {
        email,
        full_name,
        display_name,
        role,
        password_hash,
    };
    let user = staff::create(&state.act(&Actor::default()), &new, lang)
        .await
        .map_err(|e| match e {
            staff::StaffError::EmailTaken => {
                format!("--email: an account with {} already exists", new.email)
            }
            other => other.to_string(),
        })?;
    eprintln!(
        "yorisoi: created {} ({}) with id {}",
        user.email,
        user.role.as_str(),
        user.id
    );
    if invite {
        eprintln!("yorisoi: the invitation is in the outbox; `yorisoi serve` sends it");
    }
    Ok(())
}

async fn demo(config: Config) -> Result<(), String> {
    let password = match std::env::var("YORISOI_PASSWORD") {
        Ok(p) => Password::parse(&p).map(|_| p).map_err(|_| {
            format!(
                "YORISOI_PASSWORD: use {} to {} characters",
                Password::MIN_CHARS,
                Password::MAX_CHARS
            )
        })?,
        Err(_) => format!(
            "demo-{}",
            &yorisoi::domain::Token::generate().expose()[..16]
        ),
    };
    let base = config.base_url.clone();
    let app = start(config).await?;
    let state = app.state();
    let actor = Actor::default();
    let accounts = yorisoi::services::demo::load(&state.act(&actor), &state.hasher, &password)
        .await
        .map_err(|e| e.to_string())?;
    // Written at once, and a closed pipe (`yorisoi demo | head`) is not an error.
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Demo staff, signing in at {base}{}:",
        paths::staff::LOGIN
    );
    for a in &accounts {
        let note = if a.created {
            ""
        } else {
            "  (already there; password unchanged)"
        };
        let _ = writeln!(
            out,
            "  {:<12} {:<34} {}{note}",
            a.role.as_str(),
            a.email,
            a.display_name
        );
    }
    let proxy = yorisoi::services::demo::load_proxy(&state.act(&actor), &state.hasher, &password)
        .await
        .map_err(|e| e.to_string())?;
    let _ = writeln!(
        out,
        "Demo proxy, acting for 山田 花子, signing in at {base}{}:",
        paths::proxy::LOGIN
    );
    let _ = writeln!(
        out,
        "  {:<12} {:<34} 山田 一郎{}",
        "proxy",
        yorisoi::services::demo::DEMO_PROXY,
        if proxy {
            ""
        } else {
            "  (already there; password unchanged)"
        }
    );
    if proxy || accounts.iter().any(|a| a.created) {
        let _ = writeln!(out, "Password for the new accounts: {password}");
    }
    let _ = writeln!(
        out,
        "Book a session as a customer at {base}{}",
        paths::booking::START
    );
    let _ = std::io::Write::write_all(&mut std::io::stdout(), out.as_bytes());
    Ok(())
}
