//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Escala: from an empty AWS account to autoscaling that doesn't waste money.
///
/// With no AWS credentials on this machine, every command runs against the sandbox, an AWS emulator
/// on this machine that `escala sandbox start` (or the first command that needs it) starts.
#[derive(Debug, Parser)]
#[command(name = "escala", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Use the sandbox even when AWS credentials exist.
    #[arg(long, global = true)]
    pub sandbox: bool,
    /// A profile: keys saved with `escala auth login --profile`, else a profile of ~/.aws.
    #[arg(long, global = true, env = "ESCALA_PROFILE")]
    pub profile: Option<String>,
    /// Send every AWS call to this endpoint (an emulator).
    #[arg(
        long,
        global = true,
        env = "ESCALA_ENDPOINT_URL",
        hide_env_values = true
    )]
    pub endpoint_url: Option<String>,
    /// `human` for people, `json` for scripts (results on stdout, progress as JSON lines on stderr).
    #[arg(long, short, global = true, value_enum, default_value_t = Output::Human)]
    pub output: Output,
    /// At most this many AWS calls at once.
    #[arg(long, global = true, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub parallelism: u16,
    /// Give up on a task after this many seconds of retrying.
    #[arg(long, global = true, default_value_t = 900, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
    /// The keyring service name Escala's entries live under.
    #[arg(
        long,
        global = true,
        env = "ESCALA_KEYRING_SERVICE",
        default_value = "escala",
        hide = true
    )]
    pub keyring_service: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    Human,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what applying a Spec would change, and its monthly cost. Changes nothing.
    Plan(SpecFile),
    /// Create or update a stack so it matches its Spec.
    Apply(ApplySpec),
    /// List stacks, or show one stack's resources and whether it matches its Spec.
    Status(StackRef),
    /// Delete everything a stack owns and report anything left.
    Destroy(DestroyStack),
    /// Credentials: log in, show who you are, log out, create a least-privilege deploy user.
    #[command(subcommand)]
    Auth(Auth),
    /// The sandbox: an AWS emulator on this machine.
    #[command(subcommand)]
    Sandbox(SandboxCommand),
    /// Set how many instances an asg stack runs now (within its Spec's min and max).
    Scale(ScaleArgs),
    /// Draw a stack's scaling dashboard (CPU, capacity, load balancer, scaling activities) to SVG or PNG.
    Metrics(MetricsArgs),
    /// Send HTTP load at a URL (a load balancer) and watch the rate, the latency and how many
    /// instances answer, while the Auto Scaling group reacts.
    Load(LoadArgs),
    /// A Kubernetes stack's cluster: its kubeconfig, and the token kubectl asks Escala for.
    #[command(subcommand)]
    Kube(KubeCommand),
    /// What-if: the routes on one demand trace, side by side (capacity, requests lost, time to
    /// scale, cost), from the scaling algorithms the sandbox runs. Touches no account.
    Simulate(SimulateArgs),
    /// Print this program's shell completions (the packages install them for bash, zsh and fish).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print this program's manual page, in roff (`escala man | man -l -`).
    Man,
}

#[derive(Debug, Subcommand)]
pub enum KubeCommand {
    /// Write the stack's kubeconfig to Escala's folder, and print its path. Its user is this
    /// program (`escala kube token`), so no key is written to it.
    Config {
        #[arg(long)]
        stack: String,
        /// Also merge it into your kubeconfig ($KUBECONFIG's first file, else ~/.kube/config) and
        /// make its context the current one.
        #[arg(long)]
        merge: bool,
    },
    /// Print a client.authentication.k8s.io ExecCredential for the stack's cluster (what kubectl
    /// runs), signed with this target's keys.
    Token {
        #[arg(long)]
        stack: String,
    },
    /// What the cluster runs: its nodes, the demo's pods, the HPA's replicas and conditions, and
    /// the claim with its EBS volume.
    Status {
        #[arg(long)]
        stack: String,
    },
    /// Upgrade the cluster to the next Kubernetes minor: the control plane, then the addons,
    /// then the node groups' rolling update, each shown in the plan first.
    Upgrade {
        #[arg(long)]
        stack: String,
        /// The next minor, like 1.35: EKS upgrades one at a time and never downgrades.
        #[arg(long)]
        to: String,
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Give an IAM user or role access to the cluster with one of EKS's access policies, in the
    /// whole cluster or in some namespaces (replacing what it had).
    Grant {
        #[arg(long)]
        stack: String,
        /// The IAM user's or role's ARN.
        #[arg(long)]
        principal: String,
        /// cluster-admin, admin, edit or view.
        #[arg(long, value_parser = ["cluster-admin", "admin", "edit", "view"])]
        policy: String,
        /// A namespace it applies in (repeat for several); the whole cluster without any.
        #[arg(long = "namespace")]
        namespaces: Vec<String>,
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Load the cluster's demo through its Service's load balancer (HTTP requests for php-apache,
    /// chat messages for the chat) and watch the HPA add pods and cluster-autoscaler add nodes.
    Load(KubeLoadArgs),
    /// Take an IAM principal's access to the cluster away.
    Revoke {
        #[arg(long)]
        stack: String,
        #[arg(long)]
        principal: String,
        #[arg(long, short = 'y')]
        yes: bool,
    },
}

#[derive(Debug, Args)]
pub struct KubeLoadArgs {
    #[arg(long)]
    pub stack: String,
    /// Requests a second for php-apache, messages a second for the chat.
    #[arg(long, default_value_t = 50)]
    pub rps: u32,
    /// The chat's clients sending those messages between them (at most 20 a second each).
    #[arg(long, default_value_t = 200)]
    pub clients: u32,
    /// How long to send, like 90s, 5m or 1h.
    #[arg(long, default_value = "5m")]
    pub duration: String,
}

#[derive(Debug, Args)]
pub struct ScaleArgs {
    #[arg(long)]
    pub stack: String,
    /// The number of instances to run.
    #[arg(long)]
    pub desired: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RangeArg {
    #[value(name = "1h")]
    Hour,
    #[value(name = "6h")]
    SixHours,
    #[value(name = "24h")]
    Day,
    #[value(name = "7d")]
    Week,
}

#[derive(Debug, Args)]
pub struct MetricsArgs {
    #[arg(long)]
    pub stack: String,
    /// Where to write the chart: `.svg`, or `.png` for a picture.
    #[arg(long)]
    pub out: PathBuf,
    /// How far back the chart reaches.
    #[arg(long, value_enum, default_value = "1h")]
    pub range: RangeArg,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The demand: a shape (flash-crowd, daily, ramp, step, each with `:key=value,…`), a CSV
    /// file of `timestamp,rps` lines, or `recorded:STACK`, the load the stack's load balancer
    /// served in the last day.
    #[arg(long, default_value = "flash-crowd")]
    pub trace: String,
    /// The routes to compare, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "asg,fargate,kubernetes")]
    pub routes: Vec<String>,
    /// The Specs that configure the routes, one per route (repeat -f); the seeds' when none is
    /// given.
    #[arg(long = "file", short = 'f')]
    pub files: Vec<PathBuf>,
    /// Vary a setting over a range (`target=40..90:5`, `min=1..6`, `max=4..10:2`), once or twice,
    /// for one route: the cost-against-requests-lost frontier.
    #[arg(long)]
    pub sweep: Vec<String>,
    /// Write the comparison's charts here: `.svg`, or `.png` for a picture.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SpecFile {
    /// The Spec (YAML, apiVersion escala/v1, kind Stack).
    #[arg(long, short = 'f')]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct ApplySpec {
    #[command(flatten)]
    pub spec: SpecFile,
    /// Don't ask for confirmation.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct StackRef {
    /// The stack's name; without it, every stack Escala knows is listed.
    #[arg(long)]
    pub stack: Option<String>,
}

#[derive(Debug, Args)]
pub struct DestroyStack {
    /// The stack's name (its Spec is remembered from apply)…
    #[arg(long, required_unless_present = "file", conflicts_with = "file")]
    pub stack: Option<String>,
    /// …or its Spec file.
    #[arg(long, short = 'f')]
    pub file: Option<PathBuf>,
    /// Don't ask for confirmation.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Subcommand)]
pub enum Auth {
    /// Verify an access key pair with AWS and save it in the OS keyring.
    Login {
        /// The access key id (AKIA…); asked for when absent.
        #[arg(long)]
        access_key_id: Option<String>,
        /// Read the secret access key from standard input instead of a hidden prompt.
        #[arg(long)]
        secret_stdin: bool,
    },
    /// Show the account, ARN and credential source in use. Never the secret.
    Status,
    /// Remove the saved keys of the profile from the OS keyring.
    Logout,
    /// Print the least-privilege policies a deploy user of these routes gets, as IAM documents:
    /// what create-deploy-user attaches, for those who make their users another way.
    Policy {
        /// One or more routes, comma-separated (the network is part of every route).
        #[arg(long, value_delimiter = ',', default_value = "network", value_parser = route_names())]
        route: Vec<String>,
    },
    /// From admin credentials, create an IAM group with least-privilege policies for the chosen
    /// routes, a user in it and an access key, saved straight into the OS keyring.
    CreateDeployUser {
        /// What the user may provision: one or more routes, comma-separated (the network is part
        /// of every route).
        #[arg(long, value_delimiter = ',', default_value = "network", value_parser = route_names())]
        route: Vec<String>,
        /// The IAM user name.
        #[arg(long, default_value = "escala-deployer")]
        user: String,
        /// The keyring profile the new keys are saved under.
        #[arg(long, default_value = "default")]
        save_as: String,
    },
}

/// Exactly the registered routes.
fn route_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(
        escala_aws::routes::all()
            .map(|r| clap::builder::PossibleValue::new(r.name()).help(r.summary())),
    )
}

#[derive(Debug, Subcommand)]
pub enum SandboxCommand {
    /// Start the sandbox (or show the running one).
    Start {
        /// How many times faster than AWS every period runs (metric periods, alarms, grace
        /// periods, warm-up, cooldowns, health checks, the scheduled clock): 1 to 100, default 1.
        #[arg(long, default_value = "1")]
        speed: escala_sandbox::Speed,
    },
    /// Stop it; everything in it is gone.
    Stop,
    /// Wipe everything in it, keep it running.
    Reset,
    /// Show whether it runs and where.
    Status,
    /// The sandbox process itself (what `start` runs in the background).
    #[command(hide = true)]
    Serve {
        #[arg(long)]
        home: std::path::PathBuf,
        #[arg(long)]
        speed: escala_sandbox::Speed,
    },
    /// One instance of the demo workload (what the sandbox runs per instance).
    #[command(hide = true)]
    Instance {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

#[derive(Debug, Args)]
pub struct LoadArgs {
    /// What to load: http://HOST[:PORT][/PATH], or a load balancer's DNS name. No https.
    #[arg(long)]
    pub url: String,
    /// Requests per second, sent on schedule however slowly the answers come (1 to 20000).
    #[arg(long)]
    pub rps: u32,
    /// How long to send: 30s, 5m, 1m30s (at most 1h). Ctrl-C stops early, with the report.
    #[arg(long)]
    pub duration: String,
    /// At most this many requests in flight; one due past it is counted as dropped, not queued.
    #[arg(long, default_value_t = escala_load::DEFAULT_CONCURRENCY)]
    pub concurrency: usize,
    /// A request unanswered this long counts as a timeout error (default 10s, at most 1m).
    #[arg(long)]
    pub request_timeout: Option<String>,
}
