// One /ws/coordinate connection with a node outside the cluster: tells it who this node is and what it trusts, and
// hands what it sends to the certificate authority and the peer directory, which check every item before taking it in.
using System.Net.WebSockets;
using Akka.Actor;
using Akka.Event;
using Mesh.Actors.Certificates;
using Mesh.Actors.Discovery;
using Mesh.Actors.Node;
using Mesh.Actors.Signaling;

namespace Mesh.Actors.Mesh;

public static class Coordination
{
    /// <param name="Endpoint">this node's HTTP endpoint as the other node reached it; null when this node dialled out,
    /// so it announces the endpoint other nodes reach it at.</param>
    public sealed record Open(ClientOutbox Outbox, string? Endpoint);

    public sealed record Opened(IActorRef Connection);

    public sealed record GetSummary
    {
        public static readonly GetSummary Instance = new();
    }

    /// <param name="PeerCallsign">the other node's owner as it announced itself, if it did.</param>
    /// <param name="TheyAccepted">items of ours the other node took in (its SYNC_RESULTs).</param>
    /// <param name="WeAccepted">items of theirs this node took in.</param>
    /// <param name="Errors">ERROR codes the other node answered with.</param>
    public sealed record Summary(string? PeerEndpoint, string? PeerCallsign, int TheyAccepted, int TheyRefused, int WeAccepted, int WeRefused,
        IReadOnlyList<string> Errors);
}

public sealed class CoordinationActor : ReceiveActor, IWithUnboundedStash
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);
    // Messages read from the socket while one is being checked; past this the other node is not waiting for answers.
    private const int MostWaiting = 16;

    private readonly ClientOutbox _outbox;
    private readonly string _endpoint;
    private readonly IActorRef _authority;
    private readonly IActorRef _peers;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private int _waiting;
    private Coordination.Summary _summary = new(null, null, 0, 0, 0, 0, []);

    public CoordinationActor(ClientOutbox outbox, string endpoint, IActorRef authority, IActorRef peers)
    {
        _outbox = outbox;
        _endpoint = endpoint;
        _authority = authority;
        _peers = peers;
        Ready();
    }

    public IStash Stash { get; set; } = null!;

    public static Props Props(ClientOutbox outbox, string endpoint, IActorRef authority, IActorRef peers) =>
        Akka.Actor.Props.Create(() => new CoordinationActor(outbox, endpoint, authority, peers));

    protected override void PreStart()
    {
        // The other side learns who this node is, then what it trusts, whether or not it sends anything itself.
        _authority.Ask<AuthorityStatus>(GetAuthorityStatus.Instance, AskTimeout).PipeTo(Self);
    }

    private void Ready()
    {
        Receive<AuthorityStatus>(status =>
        {
            Send(CoordinationFrames.PeerAnnounce(status.Owner, _endpoint, NodeCapabilities.Of(status.CanIssue)));
            _authority.Ask<CoordinationSnapshot>(GetCoordinationSnapshot.Instance, AskTimeout).PipeTo(Self);
        });
        Receive<CoordinationSnapshot>(snapshot =>
        {
            foreach (var chunk in snapshot.Certificates.Chunk(CoordinationFrames.MostItems))
                Send(CoordinationFrames.CertSync(chunk));
            foreach (var chunk in snapshot.Blacklist.Chunk(CoordinationFrames.MostItems))
                Send(CoordinationFrames.BlacklistUpdate(chunk));
        });
        Receive<Connection.InboundFrame>(frame => Handle(CoordinationFrames.Parse(frame.Utf8)));
        Receive<Connection.OversizedFrame>(oversized => Refuse(new CoordinationRefusal(CoordinationErrors.MessageTooLarge,
            $"This node reads messages of at most the configured size; this one had {oversized.Bytes} bytes or more.")));
        Receive<Connection.BinaryFrame>(_ => Refuse(new CoordinationRefusal(CoordinationErrors.BinaryNotSupported, "Messages are JSON text frames.")));
        Receive<Connection.Disconnected>(_ => Context.Stop(Self));
        Receive<Coordination.GetSummary>(_ => Sender.Tell(_summary));
        Receive<Status.Failure>(failure => _log.Warning(failure.Cause, "A coordination peer's snapshot or status was not ready in time"));
    }

    private void Handle((CoordinationMessage? Message, CoordinationRefusal? Refusal) parsed)
    {
        switch (parsed.Message)
        {
            case null:
                Refuse(parsed.Refusal!);
                break;
            // Answers are tallied and never answered: two nodes must not trade ERRORs about each other's ERRORs.
            case ResultReceived result:
                _summary = _summary with { TheyAccepted = _summary.TheyAccepted + result.Accepted, TheyRefused = _summary.TheyRefused + result.Refused };
                break;
            case ErrorReceived error:
                _summary = _summary with { Errors = [.. _summary.Errors, error.Code] };
                break;
            case PeerAnnounced announced:
                _summary = _summary with { PeerEndpoint = announced.Endpoint, PeerCallsign = announced.Callsign };
                Check("PEER_ANNOUNCE", _peers.Ask<object>(new PeerDirectoryCommands.AddPeer(announced.Endpoint, announced.Callsign, DiscoveryMethod.Peer), AskTimeout)
                    .ContinueWith(asked => asked.IsCompletedSuccessfully
                        ? asked.Result switch
                        {
                            PeerDirectoryReplies.PeerAdded added => new SyncOutcome([added.Peer.Endpoint], []),
                            PeerDirectoryReplies.PeerRejected rejected => new SyncOutcome([], [new SyncRefusal(Truncate(announced.Endpoint), rejected.Error, rejected.Details)]),
                            _ => Busy(announced.Endpoint),
                        }
                        : Busy(announced.Endpoint)));
                break;
            case CertificatesOffered offered:
                Check("CERT_SYNC", _authority.Ask<object>(new SyncCertificates(offered.Items), AskTimeout).ContinueWith(Outcome));
                break;
            case BlacklistOffered offered:
                Check("BLACKLIST_UPDATE", _authority.Ask<object>(new SyncBlacklist(offered.Items), AskTimeout).ContinueWith(Outcome));
                break;
            case ContentOffered:
                Refuse(new CoordinationRefusal(CoordinationErrors.Unsupported, "This node keeps no content catalog yet.", "CONTENT_SYNC"));
                break;
        }
    }

    /// <summary>One message is checked at a time, so a node outside the cluster gets its answers in order and cannot queue work without bound.</summary>
    private void Check(string of, Task<SyncOutcome> checking)
    {
        checking.PipeTo(Self, success: outcome => new Checked(of, outcome));
        Become(() =>
        {
            Receive<Checked>(done =>
            {
                _summary = _summary with
                {
                    WeAccepted = _summary.WeAccepted + done.Outcome.Accepted.Count,
                    WeRefused = _summary.WeRefused + done.Outcome.Refused.Count,
                };
                Send(CoordinationFrames.SyncResult(done.Of, done.Outcome.Accepted, done.Outcome.Refused));
                _waiting = 0;
                Become(Ready);
                Stash.UnstashAll();
            });
            Receive<Connection.Disconnected>(_ => Context.Stop(Self));
            ReceiveAny(_ =>
            {
                if (++_waiting > MostWaiting)
                {
                    _outbox.Close(WebSocketCloseStatus.PolicyViolation, "too many messages waiting");
                    return;
                }
                Stash.Stash();
            });
        });
    }

    private static SyncOutcome Outcome(Task<object> asked) => asked.IsCompletedSuccessfully
        ? asked.Result switch
        {
            SyncOutcome outcome => outcome,
            CertificateRefused refused => new SyncOutcome([], [new SyncRefusal("(all)", refused.Error.Code, refused.Error.Details)]),
            _ => Busy("(all)"),
        }
        : Busy("(all)");

    private static SyncOutcome Busy(string item) =>
        new([], [new SyncRefusal(Truncate(item), "NODE_BUSY", "The node did not answer in time; send it again.")]);

    private static string Truncate(string text) => text.Length <= 256 ? text : text[..256];

    private void Refuse(CoordinationRefusal refusal) => Send(CoordinationFrames.Error(refusal));

    private void Send(byte[] frame)
    {
        if (!_outbox.TrySend(frame))
            _outbox.Close((WebSocketCloseStatus)1013, "peer too slow");
    }

    private sealed record Checked(string Of, SyncOutcome Outcome);
}
