using System.Security.Cryptography;
using Akka.Actor;
using Akka.Event;

namespace Mesh.Actors.Signaling;

/// <summary>
/// One browser's WebSocket: its registration, rate-limit bucket, ICE counters and outbound queue.
/// Relaying is a Tell through presence to the target's connection actor, wherever that lives; to a
/// client of this node named by its clientId, once routed, a frame put straight into its outbox.
/// </summary>
/// <remarks>
/// An UntypedActor with one switch per state: a node holds one of these per client, and a
/// ReceiveActor builds its handler tables (and a closure per handler) in every instance and on every
/// Become; held clients are what the node has most of, so each keeps only its own fields.
/// </remarks>
public sealed class ConnectionActor : UntypedActor
{
    private enum State { Unregistered, Registering, Registered }

    // Most targets a connection remembers a direct route to; past it, relays go through presence.
    private const int MaxRoutes = 32;

    private readonly ClientOutbox outbox;
    private readonly IActorRef presence;
    private readonly IActorRef licenseVerifier;
    private readonly SignalingSettings settings;
    private readonly string version;
    private readonly string clientId = NewToken(8);
    private readonly string nonce = NewToken(24);
    private readonly TokenBucket bucket;
    private Dictionary<string, int>? iceCandidatesByTarget;
    // Messages sent before REGISTERED arrives are charged at once and answered, in order, once it is decided.
    private Queue<ClientMessage>? pendingWhileRegistering;
    // Routes by target: the target answers Routed only after it queued the frame that came through
    // presence, so once every relay sent through presence to a target has been answered, a frame put
    // straight into the target's outbox cannot overtake one of them.
    private Dictionary<string, Route>? routes;
    private RelayTally? relays;
    private ILoggingAdapter? log;
    private State state = State.Unregistered;
    private int refusalsInARow;
    private string callsign = Callsign.Guest;
    private bool peerEvents = true;

    public ConnectionActor(ClientOutbox outbox, IActorRef presence, IActorRef licenseVerifier, SignalingSettings settings, string version)
    {
        this.outbox = outbox;
        this.presence = presence;
        this.licenseVerifier = licenseVerifier;
        this.settings = settings;
        this.version = version;
        bucket = new TokenBucket(settings.Burst, settings.MessagesPerMinute, Environment.TickCount64 * TimeSpan.TicksPerMillisecond);
    }

    public static Props Props(ClientOutbox outbox, IActorRef presence, IActorRef licenseVerifier, SignalingSettings settings, string version) =>
        Akka.Actor.Props.Create(() => new ConnectionActor(outbox, presence, licenseVerifier, settings, version));

    // Made on first use: most connections never log anything.
    private ILoggingAdapter Log => log ??= Context.GetLogger();

    protected override void PreStart() => presence.Tell(Presence.Connect.Instance);

    protected override void PostStop()
    {
        // After the client closed, or after Close, this is a no-op; otherwise the browser learns why.
        var closing = CoordinatedShutdown.Get(Context.System).ShutdownReason switch
        {
            null => CloseReasons.InternalError,
            CoordinatedShutdown.ClusterDowningReason or CoordinatedShutdown.ClusterLeavingReason => CloseReasons.NodeReforming,
            _ => CloseReasons.NodeShuttingDown,
        };
        outbox.Close(closing.Status, closing.Reason);
    }

    protected override void OnReceive(object message)
    {
        switch (state)
        {
            case State.Unregistered:
                if (message is Connection.InboundFrame unregisteredFrame)
                {
                    if (Admit()) HandleUnregistered(ClientMessage.Parse(unregisteredFrame.Utf8));
                }
                else ReceiveCommon(message);
                break;
            case State.Registering:
                ReceiveWhileRegistering(message);
                break;
            default:
                ReceiveWhileRegistered(message);
                break;
        }
    }

    private void HandleUnregistered(ClientMessage message)
    {
        switch (message)
        {
            case ClientMessage.Register register:
                BeginRegistration(register);
                break;
            case ClientMessage.Invalid invalid:
                SendError(invalid.Error);
                break;
            default:
                SendError(new SignalingError(SignalingErrors.NotRegistered, "Send REGISTER first.", TypeOf(message)));
                break;
        }
    }

    private void BeginRegistration(ClientMessage.Register register)
    {
        callsign = register.Callsign;
        peerEvents = register.PeerEvents;
        if (register.CertificatePem is null)
        {
            presence.Tell(new Presence.Register(new PeerInfo(clientId, callsign, HasLicense: false), peerEvents));
        }
        else
        {
            licenseVerifier.Tell(new License.Verify(callsign, register.CertificatePem, register.Signature!, nonce));
        }

        state = State.Registering;
    }

    private void ReceiveWhileRegistering(object message)
    {
        switch (message)
        {
            case Connection.InboundFrame frame:
                if (Admit()) (pendingWhileRegistering ??= new Queue<ClientMessage>()).Enqueue(ClientMessage.Parse(frame.Utf8));
                break;
            case License.Verified verified:
                callsign = verified.Callsign;
                presence.Tell(new Presence.Register(new PeerInfo(clientId, callsign, HasLicense: true), peerEvents));
                break;
            case License.Rejected rejected:
                SendError(new SignalingError(SignalingErrors.InvalidCertificate, rejected.Reason, "REGISTER"));
                state = State.Unregistered;
                DrainPending(HandleUnregistered);
                break;
            case Presence.Registered registered:
                relays = registered.Relays;
                Send(ServerFrames.Registered(clientId, registered.ServerOwner, registered.Peers));
                if (Log.IsDebugEnabled) Log.Debug("{Callsign} registered as {ClientId}", callsign, clientId);
                state = State.Registered;
                DrainPending(HandleRegistered);
                break;
            default:
                ReceiveCommon(message);
                break;
        }
    }

    private void DrainPending(Action<ClientMessage> handle)
    {
        if (pendingWhileRegistering is null) return;
        var pending = pendingWhileRegistering;
        pendingWhileRegistering = null;
        while (pending.TryDequeue(out var message)) handle(message);
    }

    private void ReceiveWhileRegistered(object message)
    {
        switch (message)
        {
            case Connection.InboundFrame frame:
                if (Admit()) HandleRegistered(ClientMessage.Parse(frame.Utf8));
                break;
            case Presence.Deliver deliver:
                Send(deliver.Frame);
                break;
            case Presence.DeliverRouted routed:
                Send(routed.Frame);
                routed.Sender.Tell(new Presence.Routed(routed.Target, Self, outbox));
                break;
            case Presence.PeerJoined joined:
                Send(joined.Frame);
                break;
            case Presence.PeerLeft left:
                Send(left.Frame);
                break;
            case Presence.PeerList list:
                Send(ServerFrames.Peers(list.Peers));
                break;
            case Presence.Routed routed:
                LearnRoute(routed);
                break;
            case Presence.RelayRefused refused:
                SendError(refused.Error);
                break;
            default:
                ReceiveCommon(message);
                break;
        }
    }

    private void HandleRegistered(ClientMessage message)
    {
        switch (message)
        {
            case ClientMessage.Signal signal:
                Relay(signal);
                break;
            case ClientMessage.ListPeers:
                presence.Tell(Presence.ListPeers.Instance);
                break;
            case ClientMessage.Register:
                SendError(new SignalingError(SignalingErrors.AlreadyRegistered, $"This connection is already registered as {clientId}.", "REGISTER"));
                break;
            case ClientMessage.Invalid invalid:
                SendError(invalid.Error);
                break;
        }
    }

    private void Relay(ClientMessage.Signal signal)
    {
        if (signal.Kind == SignalKind.IceCandidate)
        {
            iceCandidatesByTarget ??= new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var sent = iceCandidatesByTarget.GetValueOrDefault(signal.Target) + 1;
            if (sent > settings.IceCandidatesPerSession)
            {
                SendError(new SignalingError(SignalingErrors.IceLimit,
                    $"At most {settings.IceCandidatesPerSession} ICE candidates per offer/answer session.", "ICE_CANDIDATE"));
                return;
            }

            iceCandidatesByTarget[signal.Target] = sent;
        }
        else
        {
            // A new offer or answer starts a new session with that peer.
            iceCandidatesByTarget?.Remove(signal.Target);
        }

        var frame = ServerFrames.SignalReceived(signal.Kind, clientId, callsign, signal.Payload);
        SignalingMetrics.Relayed(signal.Kind);
        relays!.Add();
        if (routes is not null && routes.TryGetValue(signal.Target, out var route))
        {
            if (route.Outbox is { Closing: null } && route.ThroughPresence == 0)
            {
                // A target a whole queue behind is closed as too slow, as its own actor would.
                if (!route.Outbox.TrySend(frame)) route.Outbox.Close(CloseReasons.ClientTooSlow.Status, CloseReasons.ClientTooSlow.Reason);
                return;
            }

            if (route.Outbox is not null && route.ThroughPresence == 0)
            {
                // The target is closing (its Terminated may not be here yet): presence answers for it,
                // with UNKNOWN_TARGET once it has left, as for any client that is gone.
                routes.Remove(signal.Target);
                presence.Tell(new Presence.Relay(signal.Target, frame));
                return;
            }

            route.ThroughPresence++;
        }
        else if ((routes ??= new Dictionary<string, Route>(StringComparer.Ordinal)).Count < MaxRoutes)
        {
            routes[signal.Target] = new Route { ThroughPresence = 1 };
        }

        presence.Tell(new Presence.Relay(signal.Target, frame));
    }

    private void LearnRoute(Presence.Routed routed)
    {
        if (routes is null || !routes.TryGetValue(routed.Target, out var route)) return;
        route.ThroughPresence--;
        if (route.Connection is null)
        {
            route.Connection = routed.Connection;
            route.Outbox = routed.Outbox;
            Context.Watch(routed.Connection);
        }
    }

    private void ForgetRoutesTo(IActorRef connection)
    {
        if (routes is null) return;
        foreach (var (target, route) in routes)
        {
            if (connection.Equals(route.Connection)) routes.Remove(target);
        }
    }

    private void ReceiveCommon(object message)
    {
        switch (message)
        {
            case Presence.Welcome welcome:
                Send(ServerFrames.Hello(nonce, welcome.ServerOwner, version));
                break;
            case Connection.OversizedFrame oversized:
                if (Admit()) SendError(new SignalingError(SignalingErrors.MessageTooLarge,
                    $"Messages are limited to {settings.MaxMessageBytes} bytes; this one had {oversized.Bytes} or more."));
                break;
            case Connection.BinaryFrame:
                if (Admit()) SendError(new SignalingError(SignalingErrors.BinaryNotSupported,
                    "Send JSON text messages; binary messages are not part of the protocol."));
                break;
            case Connection.Disconnected:
                Context.Stop(Self);
                break;
            case Terminated terminated:
                // A client this one relayed to directly is gone: the next relay asks presence again.
                ForgetRoutesTo(terminated.ActorRef);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>Charges one message to the client's bucket; false when it is refused.</summary>
    private bool Admit()
    {
        if (bucket.TryTake(Environment.TickCount64 * TimeSpan.TicksPerMillisecond))
        {
            refusalsInARow = 0;
            return true;
        }

        refusalsInARow++;
        if (refusalsInARow >= settings.CloseAfterRefusals)
        {
            Log.Info("Closing {ClientId} ({Callsign}): it kept sending while rate-limited", clientId, callsign);
            Close(CloseReasons.RateLimitExceeded);
        }
        else if (refusalsInARow == 1)
        {
            // One ERROR per burst: answering every refused message would amplify the flood.
            SendError(new SignalingError(SignalingErrors.RateLimited,
                $"At most {settings.MessagesPerMinute} messages a minute; messages are dropped until the allowance refills."));
        }

        return false;
    }

    private void SendError(SignalingError error)
    {
        SignalingMetrics.Error(error.Code);
        Send(ServerFrames.Error(error));
    }

    private void Send(byte[] frame)
    {
        if (!outbox.TrySend(frame))
        {
            Log.Info("Closing {ClientId} ({Callsign}): its outbound queue of {Capacity} frames is full", clientId, callsign, settings.OutboundQueue);
            Close(CloseReasons.ClientTooSlow);
        }
    }

    private void Close(CloseInstruction reason)
    {
        outbox.Close(reason.Status, reason.Reason);
        Context.Stop(Self);
    }

    private sealed class Route
    {
        public IActorRef? Connection { get; set; }

        public ClientOutbox? Outbox { get; set; }

        // Relays to this target sent through presence and not yet answered with Routed.
        public int ThroughPresence { get; set; }
    }

    private static string TypeOf(ClientMessage message) => message switch
    {
        ClientMessage.Signal { Kind: SignalKind.Offer } => "OFFER",
        ClientMessage.Signal { Kind: SignalKind.Answer } => "ANSWER",
        ClientMessage.Signal => "ICE_CANDIDATE",
        ClientMessage.ListPeers => "LIST_PEERS",
        _ => "REGISTER",
    };

    private static string NewToken(int bytes) =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
