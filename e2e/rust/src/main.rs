//! End-to-end test of Lattice's Simplified Sliding Sync (MSC4186) with the real matrix-rust-sdk: alice is a
//! `matrix-sdk` client driven through `matrix-sdk-ui`'s `SyncService`, `RoomListService` and `Timeline` (what Element X
//! does); bob is a real matrix-js-sdk client (`js-peer.mjs`) that the test drives over a pipe. See README.md.
//!
//! Environment: `LATTICE_BASE_URL` (required), `LATTICE_E2E_NODE` (default: e2e/js's Node), `LATTICE_E2E_STEP_TIMEOUT`
//! (seconds per step, default 20), `RUST_LOG` (the SDK's tracing, to stderr; default `error`).

#![recursion_limit = "256"]

use std::{
    path::PathBuf,
    process::Stdio,
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::{Context, Result, anyhow, bail, ensure};
use futures_util::{StreamExt, pin_mut};
use matrix_sdk::{
    Client, RoomState,
    ruma::{
        OwnedEventId, OwnedRoomId, OwnedUserId, RoomId,
        api::client::receipt::create_receipt::v3::ReceiptType,
        api::client::{account::register, uiaa},
        events::room::message::{RoomMessageEventContent, RoomMessageEventContentWithoutRelation},
    },
    sliding_sync::{Version as SlidingSyncVersion, VersionBuilder as SlidingSyncVersionBuilder},
};
use matrix_sdk_ui::{
    RoomListService, Timeline,
    eyeball_im::Vector,
    room_list_service::{RoomListLoadingState, filters::new_filter_non_left},
    sync_service::{self, SyncService},
    timeline::{RoomExt, TimelineItem, VirtualTimelineItem},
};
use serde_json::{Value, json};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines},
    process::{Child, ChildStdin, ChildStdout, Command},
    sync::watch,
    time::timeout,
};

const PASSWORD: &str = "correct horse battery staple";

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error,matrix_sdk::http_client=off")),
        )
        .with_writer(std::io::stderr)
        .init();

    let mut tap = Tap {
        number: 0,
        passed: 0,
        failed: Vec::new(),
        started: Instant::now(),
    };
    let outcome = run(&mut tap).await;
    let seconds = tap.started.elapsed().as_secs_f64();
    if let Err(failure) = &outcome {
        tap.report_failure(failure);
    }
    println!("# pass {}", tap.passed);
    println!("# fail {}", tap.failed.len());
    for name in &tap.failed {
        println!("#   not ok - {name}");
    }
    match outcome {
        Ok(()) if tap.failed.is_empty() => println!("# all {} steps passed in {seconds:.1} s", tap.passed),
        Ok(()) => println!("# ran all steps in {seconds:.1} s"),
        Err(_) => println!("# stopped at that failure (the next steps need it), after {seconds:.1} s"),
    }
    std::process::exit(if outcome.is_ok() && tap.failed.is_empty() { 0 } else { 1 });
}

/// The steps so far: one `ok N - …` or `not ok N - …` line each, TAP-like.
struct Tap {
    number: usize,
    passed: usize,
    failed: Vec<String>,
    started: Instant,
}

/// A failed step: its name and why.
struct Failure {
    step: String,
    cause: anyhow::Error,
}

impl Tap {
    /// Runs a step that the next ones need: its failure ends the run.
    async fn step<T>(&mut self, name: &str, body: impl Future<Output = Result<T>>) -> Result<T, Failure> {
        self.number += 1;
        match body.await {
            Ok(value) => {
                self.passed += 1;
                println!("ok {} - {name}", self.number);
                Ok(value)
            }
            Err(cause) => Err(Failure {
                step: name.to_owned(),
                cause,
            }),
        }
    }

    /// Runs a step that no later one needs: its failure is reported, and the run goes on.
    async fn check(&mut self, name: &str, body: impl Future<Output = Result<()>>) {
        if let Err(failure) = self.step(name, body).await {
            self.report_failure(&failure);
        }
    }

    fn report_failure(&mut self, failure: &Failure) {
        println!("not ok {} - {}", self.number, failure.step);
        for line in format!("{:#}", failure.cause).lines() {
            println!("  # {line}");
        }
        self.failed.push(failure.step.clone());
    }
}

fn step_timeout() -> Duration {
    let seconds = std::env::var("LATTICE_E2E_STEP_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    Duration::from_secs(seconds)
}

async fn run(tap: &mut Tap) -> Result<(), Failure> {
    let base_url = std::env::var("LATTICE_BASE_URL").map_err(|_| Failure {
        step: "setup".into(),
        cause: anyhow!("LATTICE_BASE_URL is not set (run e2e/rust/run.sh)"),
    })?;

    let mut bob = tap
        .step("bob (matrix-js-sdk) registered and syncing", async {
            let mut peer = JsPeer::spawn(&base_url).await?;
            peer.call(json!({"cmd": "register", "prefix": "bob"})).await?;
            Ok(peer)
        })
        .await?;
    let bob_id = bob.user_id.clone().expect("registered");

    let alice_name = format!("alice-{}", unique());
    tap.step(
        "alice registered with matrix-sdk (m.login.dummy)",
        register(&base_url, &alice_name),
    )
    .await?;

    // Alice's requests go through the recording proxy when LATTICE_E2E_SYNC_LOG names a file.
    let proxy = match std::env::var_os("LATTICE_E2E_SYNC_LOG").filter(|log| !log.is_empty()) {
        Some(log) => Some(
            SyncProxy::spawn(&base_url, &PathBuf::from(log))
                .await
                .map_err(|cause| Failure {
                    step: "sync-proxy.mjs".into(),
                    cause,
                })?,
        ),
        None => None,
    };
    let alice_url = proxy.as_ref().map_or(base_url.clone(), |p| p.url.clone());

    let alice = tap
        .step(
            "alice logged in, sliding sync discovered from /versions (org.matrix.simplified_msc3575)",
            async {
                let client = Client::builder()
                    .homeserver_url(&alice_url)
                    .sliding_sync_version_builder(version_builder())
                    .build()
                    .await
                    .context("building the client with SlidingSyncVersionBuilder::DiscoverNative")?;
                ensure!(
                    matches!(client.sliding_sync_version(), SlidingSyncVersion::Native),
                    "sliding sync version is {:?}, not Native",
                    client.sliding_sync_version()
                );
                client
                    .matrix_auth()
                    .login_username(&alice_name, PASSWORD)
                    .initial_device_display_name("lattice-e2e-rust")
                    .send()
                    .await
                    .context("password login")?;
                Ok(client)
            },
        )
        .await?;
    let alice_id = alice.user_id().expect("logged in").to_owned();

    // What Element X does: one SyncService (room list + encryption sliding sync connections).
    let (sync_service, room_list) = tap
        .step("SyncService running, room list loaded (empty)", async {
            let sync_service = SyncService::builder(alice.clone())
                .build()
                .await
                .context("building the SyncService")?;
            let mut states = sync_service.state();
            sync_service.start().await;
            let room_list = RoomListWatch::start(&sync_service).await?;
            let deadline = Instant::now() + step_timeout();
            loop {
                match states.get() {
                    sync_service::State::Running => break,
                    sync_service::State::Error(e) => bail!("SyncService error: {e:#}"),
                    sync_service::State::Terminated => bail!("SyncService terminated"),
                    other => {
                        let left = deadline.saturating_duration_since(Instant::now());
                        if timeout(left, states.next()).await.is_err() {
                            bail!("the SyncService is still {other:?} after {:?}", step_timeout());
                        }
                    }
                }
            }
            room_list.wait_loaded().await?;
            let rooms = room_list.snapshot();
            ensure!(rooms.is_empty(), "a new user's room list is not empty: {rooms:?}");
            Ok((sync_service, room_list))
        })
        .await?;

    let names = ["sliding-A", "sliding-B", "sliding-C"];
    let mut rooms: Vec<OwnedRoomId> = Vec::new();
    tap.step(
        "bob created 3 rooms and invited alice: the room list shows 3 invites",
        async {
            for name in names {
                let created = bob.call(json!({"cmd": "create_room", "name": name})).await?;
                let room_id = parse_room_id(&created["room_id"])?;
                bob.call(json!({"cmd": "invite", "room": room_id, "user": alice_id}))
                    .await?;
                rooms.push(room_id);
            }
            room_list
                .wait("3 invited rooms", |list| {
                    rooms
                        .iter()
                        .all(|r| list.iter().any(|e| &e.room_id == r && e.state == RoomState::Invited))
                })
                .await?;
            Ok(())
        },
    )
    .await?;

    tap.step("alice joined the 3 rooms: listed as joined, with their names", async {
        for room_id in &rooms {
            let room = alice
                .get_room(room_id)
                .with_context(|| format!("alice's client has no room {room_id}"))?;
            room.join().await.with_context(|| format!("joining {room_id}"))?;
        }
        room_list
            .wait("3 joined rooms with bob's names", |list| {
                rooms.iter().zip(names).all(|(r, name)| {
                    list.iter()
                        .any(|e| &e.room_id == r && e.state == RoomState::Joined && e.name.as_deref() == Some(name))
                })
            })
            .await
    })
    .await?;

    // Rooms were created A, B, C, so a list in creation order reads C, B, A: write in an order that differs.
    let [a, b, c] = [rooms[0].clone(), rooms[1].clone(), rooms[2].clone()];
    tap.step(
        "bob wrote in C, A, then B: the room list is ordered B, A, C (bump_stamp)",
        async {
            for room_id in [&c, &a, &b] {
                bob.call(json!({"cmd": "send", "room": room_id, "text": "first message"}))
                    .await?;
            }
            room_list
                .wait("order B, A, C", |list| {
                    order_is(list, &[b.clone(), a.clone(), c.clone()])
                })
                .await
        },
    )
    .await?;

    tap.step("bob wrote in C, the oldest: C moved to the top (C, B, A)", async {
        bob.call(json!({"cmd": "send", "room": c, "text": "C is back"})).await?;
        room_list
            .wait("order C, B, A", |list| {
                order_is(list, &[c.clone(), b.clone(), a.clone()])
            })
            .await
    })
    .await?;

    tap.check(
        "the server's notification counts reach alice's rooms (B: 1, C: 2)",
        async {
            let b_room = alice.get_room(&b).context("room B")?;
            let c_room = alice.get_room(&c).context("room C")?;
            poll_until("notification counts B: 1, C: 2", || {
                let counts = (b_room.unread_notification_counts(), c_room.unread_notification_counts());
                (
                    counts.0.notification_count == 1 && counts.1.notification_count == 2,
                    format!("B: {:?}, C: {:?}", counts.0, counts.1),
                )
            })
            .await
        },
    )
    .await;

    // 30 more messages in A than a room subscription's timeline_limit (20) holds: the timeline must fill the gap
    // with /messages when it paginates.
    const FILLERS: usize = 30;
    tap.step("bob wrote 30 more messages in A: A is back on top (A, C, B)", async {
        bob.call(json!({"cmd": "send_many", "room": a, "prefix": "filler", "count": FILLERS}))
            .await?;
        room_list
            .wait("order A, C, B", |list| {
                order_is(list, &[a.clone(), c.clone(), b.clone()])
            })
            .await
    })
    .await?;

    // Opening a room: Element X subscribes to it (a room subscription in the room-list connection) and builds its
    // timeline.
    let room_a = a.clone();

    let timeline = tap
        .step("alice opened A's Timeline: bob's messages are in it", async {
            sync_service.room_list_service().subscribe_to_rooms(&[&room_a]).await;
            let room = alice.get_room(&room_a).context("room A")?;
            let timeline = Arc::new(room.timeline().await.context("building the timeline")?);
            let watch = TimelineWatch::start(timeline.clone()).await;
            watch
                .wait("bob's last filler message", |items| {
                    find_message(items, &bob_id, &format!("filler {}", FILLERS - 1)).is_some()
                })
                .await?;
            Ok((timeline, watch))
        })
        .await?;
    let (timeline, items) = timeline;

    let live_event = tap
        .step("a message bob sends arrives live in A's timeline", async {
            let sent = bob
                .call(json!({"cmd": "send", "room": room_a, "text": "live from bob"}))
                .await?;
            let event_id = sent["event_id"].as_str().context("no event_id")?.to_owned();
            items
                .wait("bob's \"live from bob\" with its event ID", |items| {
                    find_message(items, &bob_id, "live from bob").and_then(|m| m.event_id) == Some(event_id.clone())
                })
                .await?;
            Ok(OwnedEventId::try_from(event_id)?)
        })
        .await?;

    let reply_id = tap
        .step(
            "alice's reply (Timeline::send_reply) is sent and reaches bob's js client as a reply",
            async {
                timeline
                    .send_reply(
                        RoomMessageEventContentWithoutRelation::text_plain("reply from alice"),
                        live_event.clone(),
                    )
                    .await
                    .context("send_reply")?;
                let remote = items
                    .wait("alice's reply echoed with an event ID", |items| {
                        find_message(items, &alice_id, "reply from alice").is_some_and(|m| m.event_id.is_some())
                    })
                    .await?;
                let reply_id = find_message(&remote, &alice_id, "reply from alice")
                    .and_then(|m| m.event_id)
                    .unwrap();
                let seen = bob
                    .call(
                        json!({"cmd": "wait_message", "room": room_a, "sender": alice_id, "text": "reply from alice"}),
                    )
                    .await?;
                ensure!(seen["event_id"] == reply_id, "bob saw {seen}, alice sent {reply_id}");
                ensure!(
                    seen["in_reply_to"] == live_event.as_str(),
                    "bob's copy is not a reply to {live_event}: {seen}"
                );
                Ok(OwnedEventId::try_from(reply_id)?)
            },
        )
        .await?;

    tap.check(
        "bob's typing notice reaches alice (typing extension), and its end",
        async {
            let room = alice.get_room(&room_a).context("room A")?;
            let (_guard, mut typing) = room.subscribe_to_typing_notifications();
            bob.call(json!({"cmd": "typing", "room": room_a, "typing": true}))
                .await?;
            wait_typing(&mut typing, |users| users.contains(&bob_id), "bob typing").await?;
            bob.call(json!({"cmd": "typing", "room": room_a, "typing": false}))
                .await?;
            wait_typing(&mut typing, |users| !users.contains(&bob_id), "bob no longer typing").await
        },
    )
    .await;

    tap.check(
        "bob's read receipt shows on alice's reply in the timeline (receipts extension)",
        async {
            bob.call(json!({"cmd": "receipt", "room": room_a, "event": reply_id}))
                .await?;
            items
                .wait("bob's receipt on alice's reply", |items| {
                    items
                        .iter()
                        .filter_map(|i| i.as_event())
                        .any(|e| e.event_id() == Some(&*reply_id) && e.read_receipts().contains_key(&*bob_id))
                })
                .await?;
            Ok(())
        },
    )
    .await;

    tap.check(
        "paginating A's timeline back to the room's creation: m.room.create first, the 30 fillers once and in order",
        async {
            let mut pages = 0;
            let deadline = Instant::now() + step_timeout() * 3;
            loop {
                pages += 1;
                let at_start = timeout(step_timeout(), timeline.paginate_backwards(10))
                    .await
                    .context("paginate_backwards timed out")?
                    .context("paginate_backwards")?;
                if at_start {
                    break;
                }
                ensure!(
                    Instant::now() < deadline && pages < 50,
                    "start not reached after {pages} pages"
                );
            }
            let items = items
                .wait("m.room.create and the timeline start", |items| {
                    let create = items
                        .iter()
                        .filter_map(|i| i.as_event())
                        .any(|e| event_type(e).as_deref() == Some("m.room.create"));
                    let start = items
                        .iter()
                        .any(|i| matches!(i.as_virtual(), Some(VirtualTimelineItem::TimelineStart)));
                    create && start
                })
                .await?;
            let first = items.iter().filter_map(|i| i.as_event()).next().and_then(event_type);
            ensure!(
                first.as_deref() == Some("m.room.create"),
                "the first event is {first:?}, not m.room.create"
            );
            let bodies: Vec<String> = items
                .iter()
                .filter_map(|i| i.as_event())
                .filter_map(|e| e.content().as_message().map(|m| m.body().to_owned()))
                .filter(|body| body.starts_with("filler "))
                .collect();
            let expected: Vec<String> = (0..FILLERS).map(|i| format!("filler {i}")).collect();
            ensure!(
                bodies == expected,
                "bob's 30 filler messages are not all there once and in order after paginating: {bodies:?}\n{}",
                describe_timeline(&items)
            );
            Ok(())
        },
    )
    .await;

    tap.check(
        "alice marks A as read (Timeline::mark_as_read): bob sees her receipt, A's notification count drops to 0",
        async {
            let room = alice.get_room(&room_a).context("room A")?;
            // The last event is alice's own reply, which the SDK counts as read: bob writes once more.
            bob.call(json!({"cmd": "send", "room": room_a, "text": "unread for alice"}))
                .await?;
            items
                .wait("bob's \"unread for alice\"", |items| {
                    find_message(items, &bob_id, "unread for alice").is_some()
                })
                .await?;
            poll_until("a notification count in A", || {
                let counts = room.unread_notification_counts();
                (counts.notification_count > 0, format!("{counts:?}"))
            })
            .await?;
            ensure!(
                timeline.mark_as_read(ReceiptType::Read).await.context("mark_as_read")?,
                "mark_as_read sent nothing"
            );
            let latest = timeline
                .latest_event_id()
                .await
                .context("no latest event in A's timeline")?;
            bob.call(json!({"cmd": "wait_read_up_to", "room": room_a, "user": alice_id, "event": latest}))
                .await?;
                    let cleared = poll_until("A's notification count 0", || {
            let counts = room.unread_notification_counts();
            (counts.notification_count == 0, format!("{counts:?}"))
        })
        .await;
        if let Err(error) = cleared {
            // Is the count wrong, or only not sent? One more message makes the server send the room again.
            bob.call(json!({"cmd": "send", "room": room_a, "text": "after alice's receipt"})).await?;
            let after = poll_until("A's notification count 1", || {
                let counts = room.unread_notification_counts();
                (counts.notification_count == 1, format!("{counts:?}"))
            })
            .await;
            match after {
                Ok(()) => bail!(
                    "{error:#}\nwhen bob wrote once more, the count became 1: the server counted from alice's receipt, \
                     but did not send A when only her receipt changed"
                ),
                Err(after) => bail!("{error:#}\nand after bob wrote once more: {after:#}"),
            }
        }
        Ok(())
        },
    )
    .await;

    tap.step(
        "the SyncService stops and restarts: bob's message in B, sent meanwhile, moves B to the top",
        async {
            timeout(step_timeout(), sync_service.stop())
                .await
                .context("SyncService::stop timed out")?;
            bob.call(json!({"cmd": "send", "room": b, "text": "while alice was away"}))
                .await?;
            tokio::time::sleep(Duration::from_millis(500)).await;
            ensure!(
                order_is(&room_list.snapshot(), &[a.clone(), c.clone(), b.clone()]),
                "the room list changed while the SyncService was stopped:\n{}",
                describe(&room_list.snapshot())
            );
            sync_service.start().await;
            room_list
                .wait("order B, A, C", |list| {
                    order_is(list, &[b.clone(), a.clone(), c.clone()])
                })
                .await
        },
    )
    .await?;

    tap.step(
        "a second device of alice: its first sliding sync lists the 3 rooms in recency order (B, A, C)",
        async {
            let client = Client::builder()
                .homeserver_url(&alice_url)
                .sliding_sync_version_builder(version_builder())
                .build()
                .await?;
            client
                .matrix_auth()
                .login_username(&alice_name, PASSWORD)
                .initial_device_display_name("second")
                .send()
                .await?;
            let second = SyncService::builder(client)
                .build()
                .await
                .context("building the second SyncService")?;
            second.start().await;
            let list = RoomListWatch::start(&second).await?;
            list.wait("order B, A, C, all joined", |list| {
                order_is(list, &[b.clone(), a.clone(), c.clone()]) && list.iter().all(|e| e.state == RoomState::Joined)
            })
            .await?;
            timeout(step_timeout(), second.stop())
                .await
                .context("the second SyncService::stop timed out")?;
            Ok(())
        },
    )
    .await?;

    tap.check(
        "E2EE: in an encrypted room, bob's message decrypts in alice's timeline and alice's reply in bob's client",
        async {
            let created = bob
                .call(json!({"cmd": "create_room", "name": "sliding-E2EE", "encrypted": true}))
                .await?;
            let room_id = parse_room_id(&created["room_id"])?;
            bob.call(json!({"cmd": "invite", "room": room_id, "user": alice_id}))
                .await?;
            room_list
                .wait("the encrypted room's invite", |list| {
                    list.iter()
                        .any(|e| e.room_id == room_id && e.state == RoomState::Invited)
                })
                .await?;
            let room = alice.get_room(&room_id).context("the encrypted room")?;
            room.join().await.context("joining the encrypted room")?;
            sync_service.room_list_service().subscribe_to_rooms(&[&room_id]).await;
            let timeline = Arc::new(
                room.timeline()
                    .await
                    .context("building the encrypted room's timeline")?,
            );
            let items = TimelineWatch::start(timeline.clone()).await;
            // bob's client must see alice's join (and fetch her device keys) before it encrypts for her
            bob.call(json!({"cmd": "wait_member", "room": room_id, "user": alice_id}))
                .await?;
            bob.call(json!({"cmd": "send", "room": room_id, "text": "secret from bob"}))
                .await?;
            items
                .wait("bob's \"secret from bob\", decrypted", |items| {
                    find_message(items, &bob_id, "secret from bob").is_some()
                })
                .await?;
            timeline
                .send(RoomMessageEventContent::text_plain("secret from alice").into())
                .await
                .context("sending in the encrypted room")?;
            let seen = bob
                .call(json!({"cmd": "wait_message", "room": room_id, "sender": alice_id, "text": "secret from alice"}))
                .await?;
            ensure!(
                seen["encrypted"] == true,
                "alice's message reached bob unencrypted: {seen}"
            );
            Ok(())
        },
    )
    .await;

    tap.step("the SyncService stops cleanly", async {
        timeout(step_timeout(), sync_service.stop())
            .await
            .context("SyncService::stop timed out")?;
        let _ = bob.call(json!({"cmd": "quit"})).await;
        Ok(())
    })
    .await?;
    Ok(())
}

/// DiscoverNative, or Native with LATTICE_E2E_ASSUME_NATIVE=1: to see what the SDK sends to a server that does not
/// advertise MSC4186.
fn version_builder() -> SlidingSyncVersionBuilder {
    if std::env::var_os("LATTICE_E2E_ASSUME_NATIVE").is_some() {
        SlidingSyncVersionBuilder::Native
    } else {
        SlidingSyncVersionBuilder::DiscoverNative
    }
}

/// Polls `check` (done?, what there is) every 100 ms until it is done or the step's time is up.
async fn poll_until(what: &str, check: impl Fn() -> (bool, String)) -> Result<()> {
    let deadline = Instant::now() + step_timeout();
    loop {
        let (done, now) = check();
        if done {
            return Ok(());
        }
        if Instant::now() >= deadline {
            bail!(
                "timed out after {:?} waiting for {what}; there is: {now}",
                step_timeout()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn unique() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{:x}-{}", nanos % 0xffff_ffff_ffff, std::process::id())
}

fn parse_room_id(value: &Value) -> Result<OwnedRoomId> {
    let s = value.as_str().with_context(|| format!("not a room ID: {value}"))?;
    Ok(RoomId::parse(s)?)
}

/// Registers through the user-interactive flow: a first request for the session, then `m.login.dummy` (no login).
async fn register(base_url: &str, name: &str) -> Result<()> {
    let client = Client::builder().homeserver_url(base_url).build().await?;
    let request = || {
        let mut request = register::v3::Request::new();
        request.username = Some(name.to_owned());
        request.password = Some(PASSWORD.to_owned());
        request.inhibit_login = true;
        request
    };
    let session = match client.matrix_auth().register(request()).await {
        Ok(done) => bail!("registration completed without user-interactive auth: {done:?}"),
        Err(e) => {
            let info = e
                .as_uiaa_response()
                .with_context(|| format!("expected a 401 with UIA flows, got {e:#}"))?;
            ensure!(
                info.flows
                    .iter()
                    .any(|f| f.stages.iter().any(|s| s.as_str() == "m.login.dummy")),
                "no m.login.dummy flow: {:?}",
                info.flows
            );
            info.session.clone()
        }
    };
    let mut dummy = uiaa::Dummy::new();
    dummy.session = session;
    let mut second = request();
    second.auth = Some(uiaa::AuthData::Dummy(dummy));
    client
        .matrix_auth()
        .register(second)
        .await
        .context("registration with m.login.dummy")?;
    Ok(())
}

async fn wait_typing(
    receiver: &mut tokio::sync::broadcast::Receiver<Vec<OwnedUserId>>,
    done: impl Fn(&[OwnedUserId]) -> bool,
    what: &str,
) -> Result<()> {
    let deadline = Instant::now() + step_timeout();
    let mut last = None;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match timeout(left, receiver.recv()).await {
            Ok(Ok(users)) => {
                if done(&users) {
                    return Ok(());
                }
                last = Some(users);
            }
            Ok(Err(e)) => bail!("typing notifications: {e}"),
            Err(_) => bail!(
                "timed out after {:?} waiting for {what}; last typing users: {last:?}",
                step_timeout()
            ),
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The room list, as the UI sees it: RoomList::entries_with_dynamic_adapters, diffs applied to a vector.

/// One row of the room list (what the check and the failure messages look at).
#[derive(Clone, Debug)]
struct Entry {
    room_id: OwnedRoomId,
    state: RoomState,
    name: Option<String>,
    recency_stamp: Option<String>,
}

struct RoomListWatch {
    service: Arc<RoomListService>,
    sync_state: eyeball::Subscriber<sync_service::State>,
    entries: watch::Receiver<Vec<Entry>>,
}

impl RoomListWatch {
    async fn start(sync_service: &SyncService) -> Result<Self> {
        let service = sync_service.room_list_service();
        let (sender, entries) = watch::channel(Vec::new());
        let list_service = service.clone();
        let room_list = list_service.all_rooms().await.context("RoomListService::all_rooms")?;
        tokio::spawn(async move {
            let (stream, controller) = room_list.entries_with_dynamic_adapters(50);
            controller.set_filter(Box::new(new_filter_non_left()));
            pin_mut!(stream);
            let mut rows = Vector::new();
            while let Some(diffs) = stream.next().await {
                for diff in diffs {
                    diff.apply(&mut rows);
                }
                let snapshot = rows
                    .iter()
                    .map(|item: &matrix_sdk_ui::room_list_service::RoomListItem| Entry {
                        room_id: item.room_id().to_owned(),
                        state: item.state(),
                        name: item.name(),
                        recency_stamp: item.recency_stamp().map(|s| format!("{s:?}")),
                    })
                    .collect();
                if sender.send(snapshot).is_err() {
                    break;
                }
            }
        });
        Ok(Self {
            service,
            sync_state: sync_service.state(),
            entries,
        })
    }

    fn snapshot(&self) -> Vec<Entry> {
        self.entries.borrow().clone()
    }

    async fn wait_loaded(&self) -> Result<()> {
        let room_list = self.service.all_rooms().await?;
        let mut loading = room_list.loading_state();
        let deadline = Instant::now() + step_timeout();
        loop {
            if let RoomListLoadingState::Loaded { .. } = loading.get() {
                return Ok(());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if timeout(left, loading.next()).await.is_err() {
                bail!(
                    "the room list did not load within {:?} (loading state {:?}, SyncService state {:?})",
                    step_timeout(),
                    loading.get(),
                    self.sync_state.get()
                );
            }
        }
    }

    async fn wait(&self, what: &str, done: impl Fn(&[Entry]) -> bool) -> Result<()> {
        wait_for(
            &self.entries,
            |list| done(list),
            |list| {
                format!(
                    "the room list to show {what} (SyncService state {:?}); it shows:\n{}",
                    self.sync_state.get(),
                    describe(list)
                )
            },
        )
        .await
        .map(drop)
    }
}

/// Waits until the watched value satisfies `done`, and returns it; on a timeout, the error says what was awaited
/// (`waited_for`) and what there was.
async fn wait_for<T: Clone>(
    receiver: &watch::Receiver<T>,
    done: impl Fn(&T) -> bool,
    waited_for: impl FnOnce(&T) -> String,
) -> Result<T> {
    let mut receiver = receiver.clone();
    let deadline = Instant::now() + step_timeout();
    loop {
        {
            let now = receiver.borrow_and_update();
            if done(&now) {
                return Ok(now.clone());
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if timeout(left, receiver.changed()).await.is_err() {
            let last = receiver.borrow().clone();
            bail!("timed out after {:?} waiting for {}", step_timeout(), waited_for(&last));
        }
    }
}

fn order_is(list: &[Entry], expected: &[OwnedRoomId]) -> bool {
    let ours: Vec<&OwnedRoomId> = list
        .iter()
        .map(|e| &e.room_id)
        .filter(|r| expected.contains(r))
        .collect();
    ours.len() == expected.len() && ours.iter().zip(expected).all(|(a, b)| *a == b)
}

fn describe(list: &[Entry]) -> String {
    if list.is_empty() {
        return "  (no rooms)".into();
    }
    list.iter()
        .enumerate()
        .map(|(i, e)| {
            format!(
                "  {i}: {} {:?} name={:?} recency_stamp={:?}",
                e.room_id, e.state, e.name, e.recency_stamp
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

// ---------------------------------------------------------------------------------------------------------------
// A room's timeline, as the UI sees it: Timeline::subscribe, diffs applied to a vector.

struct TimelineWatch {
    items: watch::Receiver<Vector<Arc<TimelineItem>>>,
}

impl TimelineWatch {
    async fn start(timeline: Arc<Timeline>) -> Self {
        let (initial, stream) = timeline.subscribe().await;
        let (sender, items) = watch::channel(initial.clone());
        tokio::spawn(async move {
            pin_mut!(stream);
            let mut rows = initial;
            while let Some(diffs) = stream.next().await {
                for diff in diffs {
                    diff.apply(&mut rows);
                }
                if sender.send(rows.clone()).is_err() {
                    break;
                }
            }
        });
        Self { items }
    }

    async fn wait(
        &self,
        what: &str,
        done: impl Fn(&Vector<Arc<TimelineItem>>) -> bool,
    ) -> Result<Vector<Arc<TimelineItem>>> {
        wait_for(&self.items, done, |items| {
            format!("the timeline to show {what}; it shows:\n{}", describe_timeline(items))
        })
        .await
    }
}

/// A text message found in the timeline.
struct Found {
    event_id: Option<String>,
}

fn find_message(items: &Vector<Arc<TimelineItem>>, sender: &OwnedUserId, text: &str) -> Option<Found> {
    items.iter().filter_map(|i| i.as_event()).find_map(|e| {
        let message = e.content().as_message()?;
        (e.sender() == sender && message.body().contains(text)).then(|| Found {
            event_id: e.event_id().map(|id| id.to_string()),
        })
    })
}

fn event_type(event: &matrix_sdk_ui::timeline::EventTimelineItem) -> Option<String> {
    event
        .latest_json()
        .and_then(|raw| raw.get_field::<String>("type").ok().flatten())
}

fn describe_timeline(items: &Vector<Arc<TimelineItem>>) -> String {
    if items.is_empty() {
        return "  (no items)".into();
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match (item.as_event(), item.as_virtual()) {
            (Some(e), _) => format!(
                "  {i}: {} {} from {} {:?} receipts={:?}",
                e.event_id()
                    .map(|id| id.to_string())
                    .unwrap_or_else(|| "(local echo)".into()),
                event_type(e).unwrap_or_else(|| "?".into()),
                e.sender(),
                e.content().as_message().map(|m| m.body().to_owned()),
                e.read_receipts().keys().collect::<Vec<_>>()
            ),
            (None, Some(v)) => format!("  {i}: virtual {v:?}"),
            (None, None) => format!("  {i}: ?"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

// ---------------------------------------------------------------------------------------------------------------
// sync-proxy.mjs: alice's HTTP goes through it, and it writes each sliding sync request and response to a file.

struct SyncProxy {
    _child: Child,
    url: String,
}

impl SyncProxy {
    async fn spawn(base_url: &str, log: &std::path::Path) -> Result<Self> {
        let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut child = Command::new(node())
            .arg(here.join("sync-proxy.mjs"))
            .arg(base_url)
            .arg(log)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .context("starting sync-proxy.mjs")?;
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = timeout(Duration::from_secs(10), lines.next_line())
            .await
            .context("sync-proxy.mjs did not start")??
            .context("sync-proxy.mjs exited")?;
        let url = first
            .strip_prefix("listening ")
            .with_context(|| format!("sync-proxy.mjs said {first}"))?
            .to_owned();
        Ok(Self { _child: child, url })
    }
}

/// The Node to run the helpers with: e2e/js's (Node 22; the js-sdk needs it), or LATTICE_E2E_NODE.
fn node() -> PathBuf {
    std::env::var_os("LATTICE_E2E_NODE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../js/node_modules/.bin/node"))
}

// ---------------------------------------------------------------------------------------------------------------
// Bob: js-peer.mjs on a pipe, one JSON line each way per command.

struct JsPeer {
    _child: Child,
    stdin: ChildStdin,
    stdout: Lines<BufReader<ChildStdout>>,
    user_id: Option<OwnedUserId>,
}

impl JsPeer {
    async fn spawn(base_url: &str) -> Result<Self> {
        let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let node = node();
        let script = here.join("js-peer.mjs");
        let mut child = Command::new(&node)
            .arg(&script)
            .env("LATTICE_BASE_URL", base_url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| {
                format!(
                    "starting {} {} (run `npm ci` in e2e/js)",
                    node.display(),
                    script.display()
                )
            })?;
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        Ok(Self {
            _child: child,
            stdin,
            stdout,
            user_id: None,
        })
    }

    /// Sends one command and returns its answer; an `ok: false` answer is an error.
    async fn call(&mut self, command: Value) -> Result<Value> {
        let mut line = command.to_string();
        line.push('\n');
        self.stdin
            .write_all(line.as_bytes())
            .await
            .context("writing to js-peer")?;
        self.stdin.flush().await?;
        let answer = timeout(step_timeout() + Duration::from_secs(40), self.stdout.next_line())
            .await
            .with_context(|| format!("js-peer did not answer {command}"))?
            .context("reading from js-peer")?
            .with_context(|| format!("js-peer exited while answering {command}"))?;
        let answer: Value = serde_json::from_str(&answer).with_context(|| format!("js-peer answered {answer}"))?;
        if answer["ok"] != true {
            bail!("bob (js) {}: {}", command["cmd"], answer["error"]);
        }
        if command["cmd"] == "register" {
            self.user_id = Some(OwnedUserId::try_from(
                answer["user_id"].as_str().context("no user_id")?,
            )?);
        }
        Ok(answer)
    }
}
