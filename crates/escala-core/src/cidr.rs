//! IPv4 CIDR helpers: strict parsing with messages that say what to fix, overlap tests and the default
//! subnet layout.

use ipnet::Ipv4Net;

/// AWS accepts VPC and subnet blocks between /16 and /28.
pub const MIN_PREFIX: u8 = 16;
pub const MAX_PREFIX: u8 = 28;

/// Parses `text` as an IPv4 CIDR block whose host bits are zero and whose size AWS accepts.
pub fn parse_block(text: &str) -> Result<Ipv4Net, String> {
    let net: Ipv4Net = text
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not an IPv4 CIDR block like 10.0.0.0/16"))?;
    if net.network() != net.addr() {
        return Err(format!(
            "'{text}' has host bits set; the block starts at {}",
            net.trunc()
        ));
    }
    if !(MIN_PREFIX..=MAX_PREFIX).contains(&net.prefix_len()) {
        return Err(format!(
            "'{text}' is a /{}; AWS accepts blocks from /{MIN_PREFIX} (65,536 addresses) to /{MAX_PREFIX} (16 addresses)",
            net.prefix_len()
        ));
    }
    Ok(net)
}

/// True when the two blocks share at least one address.
pub fn overlaps(a: &Ipv4Net, b: &Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// The default layout, the seed's own for a /16: subnets of /24 (or smaller VPCs' equivalent), the
/// first one left free, then one public subnet per zone, then one private subnet per zone. For
/// 10.0.0.0/16 and two zones this gives public 10.0.1.0/24, 10.0.2.0/24 and private 10.0.3.0/24,
/// 10.0.4.0/24. Returns `None` when the VPC is too small for that many subnets.
pub fn default_subnets(vpc: &Ipv4Net, zones: usize) -> Option<(Vec<Ipv4Net>, Vec<Ipv4Net>)> {
    let needed = 2 * zones + 1;
    let mut prefix = (vpc.prefix_len() + 8).min(MAX_PREFIX);
    // A small VPC may need finer subnets to fit them all; /28 is the floor.
    while (1usize << (prefix - vpc.prefix_len())) < needed {
        if prefix >= MAX_PREFIX {
            return None;
        }
        prefix += 1;
    }
    let mut blocks = vpc.subnets(prefix).ok()?.skip(1);
    let public: Vec<_> = blocks.by_ref().take(zones).collect();
    let private: Vec<_> = blocks.take(zones).collect();
    Some((public, private))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> Ipv4Net {
        s.parse().unwrap()
    }

    #[test]
    fn seed_layout_is_the_default_for_a_slash_16() {
        let (public, private) = default_subnets(&net("10.0.0.0/16"), 2).unwrap();
        assert_eq!(public, vec![net("10.0.1.0/24"), net("10.0.2.0/24")]);
        assert_eq!(private, vec![net("10.0.3.0/24"), net("10.0.4.0/24")]);
    }

    #[test]
    fn small_vpcs_get_finer_subnets_or_none() {
        let (public, private) = default_subnets(&net("10.1.0.0/24"), 3).unwrap();
        assert_eq!(public[0], net("10.1.0.16/28"));
        assert_eq!(private[2], net("10.1.0.96/28"));
        assert!(default_subnets(&net("10.1.0.0/27"), 2).is_none());
    }

    #[test]
    fn strict_parsing() {
        assert!(parse_block("10.0.0.0/16").is_ok());
        assert!(parse_block("10.0.0.1/16")
            .unwrap_err()
            .contains("10.0.0.0/16"));
        assert!(parse_block("10.0.0.0/8").unwrap_err().contains("/16"));
        assert!(parse_block("10.0.0.0/29").is_err());
        assert!(parse_block("300.0.0.0/16")
            .unwrap_err()
            .contains("not an IPv4 CIDR"));
        assert!(parse_block("banana").is_err());
    }

    #[test]
    fn overlap() {
        assert!(overlaps(&net("10.0.0.0/16"), &net("10.0.3.0/24")));
        assert!(overlaps(&net("10.0.3.0/24"), &net("10.0.0.0/16")));
        assert!(!overlaps(&net("10.0.3.0/24"), &net("10.0.4.0/24")));
    }
}
