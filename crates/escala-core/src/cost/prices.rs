//! The list prices Escala estimates with (USD, on demand, Linux), as AWS listed them in November
//! 2026 when these tables were written. Regions not listed fall back to the highest listed price,
//! so an estimate errs on the expensive side.

/// Hours AWS bills in an average month (730 = 8,760 / 12).
pub const HOURS_PER_MONTH: f64 = 730.0;
/// Every public IPv4 address, attached or not, since February 2024.
pub const PUBLIC_IPV4_HOURLY: f64 = 0.005;

/// NAT gateway hourly list prices (USD) of common regions; others use the highest listed here so
/// the estimate errs on the expensive side. Data processing ($0.045+/GB) depends on traffic and is
/// named in the note instead.
pub fn nat_hourly(region: &str) -> (f64, bool) {
    let known = match region {
        "us-east-1" | "us-east-2" | "us-west-2" => Some(0.045),
        "us-west-1" => Some(0.048),
        "ca-central-1" => Some(0.05),
        "eu-west-1" => Some(0.048),
        "eu-west-2" | "eu-west-3" | "eu-south-1" => Some(0.05),
        "eu-central-1" => Some(0.052),
        "eu-north-1" => Some(0.046),
        "ap-south-1" => Some(0.056),
        "ap-southeast-1" | "ap-southeast-2" => Some(0.059),
        "ap-northeast-1" => Some(0.062),
        "ap-northeast-2" => Some(0.059),
        "sa-east-1" => Some(0.093),
        _ => None,
    };
    match known {
        Some(p) => (p, true),
        None => (0.093, false),
    }
}

/// Application Load Balancer hourly list prices (USD), with the same fallback as NAT gateways.
/// Its capacity units (LCUs, $0.008/h each in us-east-1) depend on traffic and are named in the note.
pub fn alb_hourly(region: &str) -> (f64, bool) {
    let known = match region {
        "us-east-1" | "us-east-2" | "us-west-2" => Some(0.0225),
        "us-west-1" | "ca-central-1" => Some(0.0252),
        "eu-west-1" | "eu-north-1" => Some(0.0252),
        "eu-west-2" | "eu-west-3" | "eu-central-1" | "eu-south-1" => Some(0.027),
        "ap-south-1" => Some(0.0239),
        "ap-southeast-1" | "ap-southeast-2" | "ap-northeast-1" | "ap-northeast-2" => Some(0.0252),
        "sa-east-1" => Some(0.034),
        _ => None,
    };
    match known {
        Some(p) => (p, true),
        None => (0.034, false),
    }
}

/// On-demand hourly list prices (USD, Linux, us-east-1) of the instance types a web tier commonly
/// uses. Other regions list most of them 0–30% higher, which the note says.
pub fn instance_hourly(instance_type: &str) -> Option<f64> {
    Some(match instance_type {
        "t2.micro" => 0.0116,
        "t2.small" => 0.023,
        "t3.nano" => 0.0052,
        "t3.micro" => 0.0104,
        "t3.small" => 0.0208,
        "t3.medium" => 0.0416,
        "t3.large" => 0.0832,
        "t3a.micro" => 0.0094,
        "t3a.small" => 0.0188,
        "t3a.medium" => 0.0376,
        "t4g.nano" => 0.0042,
        "t4g.micro" => 0.0084,
        "t4g.small" => 0.0168,
        "t4g.medium" => 0.0336,
        "t4g.large" => 0.0672,
        "m5.large" => 0.096,
        "m6i.large" => 0.096,
        "m7i.large" => 0.1008,
        "m6g.large" => 0.077,
        "m7g.large" => 0.0816,
        "c5.large" => 0.085,
        "c6i.large" => 0.085,
        "c7i.large" => 0.0893,
        "c6g.large" => 0.068,
        "c7g.large" => 0.0725,
        _ => return None,
    })
}

/// gp3 EBS storage per GB-month (USD, us-east-1), with its baseline 3,000 IOPS and 125 MB/s.
pub const EBS_GP3_GB_MONTHLY: f64 = 0.08;
/// gp3's IOPS above the 3,000 included, per IOPS-month (USD, us-east-1).
pub const EBS_GP3_IOPS_MONTHLY: f64 = 0.005;
/// gp3's throughput above the 125 MiB/s included, per MiB/s-month (USD, us-east-1).
pub const EBS_GP3_MIBPS_MONTHLY: f64 = 0.04;

/// An instance's 8 GB gp3 root volume.
pub const ROOT_VOLUME_MONTHLY: f64 = 8.0 * EBS_GP3_GB_MONTHLY;

/// EC2 Spot's discount on the on-demand price. AWS advertises up to 90%; general-purpose types
/// usually save 60–75% (the Spot Instance Advisor's ranges), so the estimate takes 70% and the note
/// says the price moves.
pub const EC2_SPOT_DISCOUNT: f64 = 0.70;

/// An EKS cluster's control plane per hour in standard support, in every commercial region.
pub const EKS_CLUSTER_HOURLY: f64 = 0.10;
/// The same in extended support: $0.60 an hour.
pub const EKS_EXTENDED_SUPPORT_HOURLY: f64 = 0.60;

/// Fargate's on-demand hourly prices (USD, Linux, us-east-1): per vCPU and per GB of memory, for
/// x86 and for Graviton (arm64). Other regions list them up to about 30% higher, which the note says.
pub fn fargate_hourly(arm64: bool) -> (f64, f64) {
    if arm64 {
        (0.03238, 0.00356)
    } else {
        (0.04048, 0.004445)
    }
}

/// Fargate Spot's discount on the on-demand price: AWS advertises "up to 70%", and its price moves
/// with spare capacity, so the estimate takes the advertised figure and the note says it moves.
pub const FARGATE_SPOT_DISCOUNT: f64 = 0.70;

/// ElastiCache on-demand hourly node prices (USD, Redis OSS, us-east-1) of the node types a chat's
/// pub/sub needs; Valkey nodes list 20% below them.
pub fn cache_node_hourly(node_type: &str) -> Option<f64> {
    Some(match node_type {
        "cache.t4g.micro" => 0.016,
        "cache.t4g.small" => 0.032,
        "cache.t4g.medium" => 0.065,
        "cache.t3.micro" => 0.017,
        "cache.t3.small" => 0.034,
        "cache.t3.medium" => 0.068,
        "cache.m7g.large" => 0.158,
        "cache.m6g.large" => 0.149,
        "cache.r7g.large" => 0.219,
        "cache.r6g.large" => 0.206,
        _ => return None,
    })
}

/// Valkey's price against Redis OSS's on the same node type.
pub const VALKEY_FACTOR: f64 = 0.8;

/// ECR's storage price per GB-month (USD) beyond the free tier's first 500 MB for a year.
pub const ECR_GB_MONTHLY: f64 = 0.10;

/// CloudWatch Logs' ingestion price per GB (USD, standard class); storage is $0.03 per GB-month.
pub const LOGS_INGESTED_GB: f64 = 0.50;
