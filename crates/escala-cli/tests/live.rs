//! The live sandbox end to end, through the real `escala` binary: a sandbox of its own at a time
//! factor, seed-asg applied, load sent through the sandbox's load balancer, and the group seen to
//! scale out on its target-tracking alarm and back in to its minimum; a warm pool whose prepared
//! instances a scale-out takes first; then the faults: a workload process killed by hand is
//! replaced, and a sandbox killed with `kill -9` leaves no process.

mod support;

use std::collections::HashSet;
use std::process::Stdio;
use std::time::Duration;

use escala_testkit::world::{group, in_service, wait, world};
use serde_json::Value;
use support::sandbox::{alive, balancer_url, first_in_service, sandbox_config, seed_asg, Home};

/// The group's average CPU datapoints in the emulator's CloudWatch, as `escala metrics` reads.
async fn cpu_points(endpoint: &str, group: &str) -> Vec<f64> {
    use aws_sdk_cloudwatch::types::{Dimension, Statistic};
    let config = sandbox_config(endpoint).await;
    let now = std::time::SystemTime::now();
    let out = aws_sdk_cloudwatch::Client::new(&config)
        .get_metric_statistics()
        .namespace("AWS/EC2")
        .metric_name("CPUUtilization")
        .dimensions(
            Dimension::builder()
                .name("AutoScalingGroupName")
                .value(group)
                .build(),
        )
        .start_time((now - Duration::from_secs(600)).into())
        .end_time((now + Duration::from_secs(60)).into())
        .period(60)
        .statistics(Statistic::Maximum)
        .send()
        .await
        .unwrap();
    out.datapoints()
        .iter()
        .filter_map(|d| d.maximum())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn load_scales_the_group_out_and_back_in_to_min() {
    let home = Home::new();
    let endpoint = home.start();
    let spec = seed_asg(&home, "live-asg");
    home.run(&["apply", "-f", spec.to_str().unwrap(), "--yes"]);
    let name = "live-asg-web";
    first_in_service(&endpoint, name);
    let url = balancer_url(&endpoint);
    // 90 requests a second of 20 ms each on one t3.micro (2 vCPUs): 90% CPU, above the 70% target.
    let load = home
        .command(&[
            "load",
            "--url",
            &url,
            "--rps",
            "90",
            "--duration",
            "25s",
            "-o",
            "json",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut seen_processes: HashSet<u32> = HashSet::new();
    wait("the scale-out", Duration::from_secs(25), || {
        seen_processes.extend(home.workload_processes().into_iter().map(|(p, _)| p));
        let w = world(&endpoint);
        let g = group(&w, name)?;
        let desired = g["desired"].as_u64()?;
        assert!(desired <= 4, "the policy's bounds: max 4, got {desired}");
        (desired >= 2 && in_service(g).len() >= 2).then_some(())
    });
    // The alarm may be back to OK by now (the new instance halves the CPU): its ALARM is in the
    // activity it caused, as AWS records it.
    let activities = escala_activities(&endpoint, name).await;
    assert!(
        activities.iter().any(|c| c.contains("AlarmHigh")
            && c.contains("in state ALARM")
            && c.contains("changing the desired capacity from 1 to")),
        "the scale-out is a scaling activity caused by the alarm: {activities:?}"
    );
    let report = load.wait_with_output().unwrap();
    let last = String::from_utf8_lossy(&report.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string();
    let report: Value = serde_json::from_str(&last).unwrap();
    let distinct = report["distinctBodyCount"]
        .as_u64()
        .or(report["distinct_body_count"].as_u64())
        .unwrap();
    assert!(
        distinct >= 2,
        "the new instance served through the load balancer: {report}"
    );
    assert!(
        cpu_points(&endpoint, name).await.iter().any(|v| *v > 70.0),
        "CPU rose above the target in CloudWatch"
    );
    // After the load, AlarmLow's 15 periods (30 s here) bring the group back to its minimum.
    wait("the scale-in to min", Duration::from_secs(60), || {
        seen_processes.extend(home.workload_processes().into_iter().map(|(p, _)| p));
        let g = group(&world(&endpoint), name)?.clone();
        (g["desired"] == 1 && g["instances"].as_array()?.len() == 1).then_some(())
    });
    let out = home.run(&["destroy", "--stack", "live-asg", "--yes"]);
    assert!(
        support::text(&out).contains("0 resources left."),
        "{}",
        support::text(&out)
    );
    seen_processes.extend(home.workload_processes().into_iter().map(|(p, _)| p));
    home.run(&["sandbox", "stop"]);
    assert!(seen_processes.len() >= 2);
    for pid in seen_processes {
        assert!(!alive(pid), "workload process {pid} outlived the sandbox");
    }
}

/// The causes of the group's scaling activities, newest first.
async fn escala_activities(endpoint: &str, group: &str) -> Vec<String> {
    let config = sandbox_config(endpoint).await;
    let out = aws_sdk_autoscaling::Client::new(&config)
        .describe_scaling_activities()
        .auto_scaling_group_name(group)
        .send()
        .await
        .unwrap();
    out.activities()
        .iter()
        .filter_map(|a| a.cause().map(String::from))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_warm_pool_holds_stopped_instances_that_a_scale_out_takes_first() {
    use aws_sdk_autoscaling::types::LifecycleState;
    use aws_sdk_ec2::types::InstanceStateName;
    let home = Home::new();
    let endpoint = home.start();
    let spec = seed_asg(&home, "warm-asg");
    let text = std::fs::read_to_string(&spec).unwrap().replace(
        "    scaling:\n",
        "    scaling:\n      warmPool: {minSize: 1}\n",
    );
    std::fs::write(&spec, text).unwrap();
    home.run(&["apply", "-f", spec.to_str().unwrap(), "--yes"]);
    let name = "warm-asg-web";
    // Desired 1 of at most 4: the pool holds the other 3, prepared and then stopped.
    let pooled: Vec<String> = wait("the warm pool prepared", Duration::from_secs(30), || {
        let g = group(&world(&endpoint), name)?.clone();
        let pool = g["warmPool"]["instances"].as_array()?.clone();
        (pool.len() == 3 && pool.iter().all(|i| i["lifecycle"] == "Warmed:Stopped")).then(|| {
            pool.iter()
                .map(|i| i["id"].as_str().unwrap().to_string())
                .collect()
        })
    });
    let config = sandbox_config(&endpoint).await;
    let asg = aws_sdk_autoscaling::Client::new(&config);
    let ec2 = aws_sdk_ec2::Client::new(&config);
    let described = asg
        .describe_warm_pool()
        .auto_scaling_group_name(name)
        .send()
        .await
        .unwrap();
    assert_eq!(described.instances().len(), 3, "{described:?}");
    assert!(described
        .instances()
        .iter()
        .all(|i| i.lifecycle_state() == Some(&LifecycleState::WarmedStopped)));
    let states = |ids: Vec<String>| {
        let ec2 = ec2.clone();
        async move {
            ec2.describe_instances()
                .set_instance_ids(Some(ids))
                .send()
                .await
                .unwrap()
                .reservations()
                .iter()
                .flat_map(|r| r.instances())
                .filter_map(|i| i.state()?.name().cloned())
                .collect::<Vec<_>>()
        }
    };
    assert!(states(pooled.clone())
        .await
        .iter()
        .all(|s| *s == InstanceStateName::Stopped));
    // A stopped instance runs no process: the runtime ends it on its next round.
    wait("the pool's processes ended", Duration::from_secs(5), || {
        home.workload_processes()
            .iter()
            .all(|(_, id)| !pooled.contains(id))
            .then_some(())
    });
    asg.set_desired_capacity()
        .auto_scaling_group_name(name)
        .desired_capacity(2)
        .send()
        .await
        .unwrap();
    let (joined, refill) = wait(
        "a pool instance InService, and the pool at its new size",
        Duration::from_secs(30),
        || {
            let g = group(&world(&endpoint), name)?.clone();
            let joined = in_service(&g).into_iter().find(|id| pooled.contains(id))?;
            let pool = g["warmPool"]["instances"].as_array()?.len();
            // Desired 2 of 4: the pool keeps 2.
            (pool == 2).then_some((joined, pool))
        },
    );
    assert_eq!(refill, 2);
    let activities = asg
        .describe_scaling_activities()
        .auto_scaling_group_name(name)
        .send()
        .await
        .unwrap();
    let launched = format!("Launching a new EC2 instance from warm pool: {joined}");
    assert!(
        activities
            .activities()
            .iter()
            .any(|a| a.description() == Some(launched.as_str())),
        "{activities:?}"
    );
    let out = home.run(&["destroy", "--stack", "warm-asg", "--yes"]);
    assert!(support::text(&out).contains("0 resources left."));
    assert!(
        states(pooled)
            .await
            .iter()
            .all(|s| *s == InstanceStateName::Terminated),
        "the pool's instances go with the group"
    );
    home.run(&["sandbox", "stop"]);
}

#[test]
fn a_killed_instance_is_replaced_and_a_killed_sandbox_leaves_no_process() {
    let home = Home::new();
    let endpoint = home.start();
    let spec = seed_asg(&home, "fault-asg");
    home.run(&["apply", "-f", spec.to_str().unwrap(), "--yes"]);
    let name = "fault-asg-web";
    let first = wait(
        "the first instance InService",
        Duration::from_secs(30),
        || group(&world(&endpoint), name).and_then(|g| in_service(g).into_iter().next()),
    );
    let (pid, _) = wait("its process", Duration::from_secs(5), || {
        home.workload_processes()
            .into_iter()
            .find(|(_, id)| *id == first)
    });
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid as i32),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    let second = wait("a replacement InService", Duration::from_secs(40), || {
        let g = group(&world(&endpoint), name)?.clone();
        let ids: Vec<String> = g["instances"]
            .as_array()?
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect();
        let serving = in_service(&g);
        (!ids.contains(&first) && serving.len() == 1).then(|| serving[0].clone())
    });
    assert_ne!(first, second);
    // Now the sandbox itself, killed with no chance to clean up.
    let info: Value = serde_json::from_str(
        &std::fs::read_to_string(home.dir.path().join("sandbox.json")).unwrap(),
    )
    .unwrap();
    let sandbox_pid = info["pid"].as_u64().unwrap() as i32;
    let before: Vec<u32> = home
        .workload_processes()
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    assert!(!before.is_empty());
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(sandbox_pid),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    wait(
        "the emulator and the instances gone",
        Duration::from_secs(10),
        || (!escala_sandbox::is_up(&endpoint) && before.iter().all(|p| !alive(*p))).then_some(()),
    );
    // The next start finds a consistent, empty sandbox with no leftovers.
    let again = home.start();
    assert_ne!(again, endpoint);
    assert_eq!(group(&world(&again), name).map(|_| ()), None);
    let status = home.run(&["sandbox", "status", "-o", "json"]);
    assert!(String::from_utf8_lossy(&status.stdout).contains("\"running\":true"));
    assert!(
        home.workload_processes().is_empty(),
        "no pid records are left from the killed sandbox"
    );
    home.run(&["sandbox", "stop"]);
}
