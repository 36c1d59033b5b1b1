//! What each instance type Escala prices has: its vCPUs and memory, as EC2's DescribeInstanceTypes
//! gives them, for what scales on them without asking AWS (the what-if simulator's capacity).

/// An instance type's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstanceSize {
    pub vcpus: u32,
    pub memory_mib: u64,
    /// The pods EKS's VPC CNI fits on it: its ENIs × (IPv4 addresses per ENI − 1) + 2.
    pub max_pods: u32,
}

/// The size of `instance_type`, for the types `cost::prices::instance_hourly` prices.
pub fn size(instance_type: &str) -> Option<InstanceSize> {
    let (vcpus, memory_mib, max_pods) = match instance_type {
        "t2.micro" => (1, 1024, 4),
        "t2.small" => (1, 2048, 11),
        "t3.nano" | "t4g.nano" => (2, 512, 4),
        "t3.micro" | "t3a.micro" | "t4g.micro" => (2, 1024, 4),
        "t3.small" | "t3a.small" | "t4g.small" => (2, 2048, 11),
        "t3.medium" | "t3a.medium" | "t4g.medium" => (2, 4096, 17),
        "t3.large" | "t4g.large" => (2, 8192, 35),
        "m5.large" | "m6i.large" | "m7i.large" | "m6g.large" | "m7g.large" => (2, 8192, 29),
        "c5.large" | "c6i.large" | "c7i.large" | "c6g.large" | "c7g.large" => (2, 4096, 29),
        _ => return None,
    };
    Some(InstanceSize {
        vcpus,
        memory_mib,
        max_pods,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::prices::instance_hourly;

    #[test]
    fn every_priced_type_has_its_size_and_no_other() {
        for t in [
            "t2.micro",
            "t2.small",
            "t3.nano",
            "t3.micro",
            "t3.small",
            "t3.medium",
            "t3.large",
            "t3a.micro",
            "t3a.small",
            "t3a.medium",
            "t4g.nano",
            "t4g.micro",
            "t4g.small",
            "t4g.medium",
            "t4g.large",
            "m5.large",
            "m6i.large",
            "m7i.large",
            "m6g.large",
            "m7g.large",
            "c5.large",
            "c6i.large",
            "c7i.large",
            "c6g.large",
            "c7g.large",
        ] {
            assert!(instance_hourly(t).is_some() && size(t).is_some(), "{t}");
        }
        assert_eq!(
            size("t3.micro"),
            Some(InstanceSize {
                vcpus: 2,
                memory_mib: 1024,
                max_pods: 4
            })
        );
        assert_eq!(size("x9.huge"), None);
    }
}
