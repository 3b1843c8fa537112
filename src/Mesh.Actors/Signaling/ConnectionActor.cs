using System.Security.Cryptography;
using Akka.Actor;
using Akka.Event;

namespace Mesh.Actors.Signaling;

/// <summary>
/// One browser's WebSocket: its registration, rate-limit bucket, ICE counters and outbound queue.
/// Relaying is a Tell through presence to the target's connection actor, wherever that lives.
/// </summary>
public sealed class ConnectionActor : ReceiveActor
{
    private readonly ClientOutbox outbox;
    private readonly IActorRef presence;
    private readonly IActorRef licenseVerifier;
    private readonly SignalingSettings settings;
    private readonly string version;
    private readonly string clientId = NewToken(8);
    private readonly string nonce = NewToken(24);
    private readonly TokenBucket bucket;
    private readonly Dictionary<string, int> iceCandidatesByTarget = new(StringComparer.OrdinalIgnoreCase);
    private readonly ILoggingAdapter log = Context.GetLogger();
    private int refusalsInARow;
    private string callsign = Callsign.Guest;

    public ConnectionActor(ClientOutbox outbox, IActorRef presence, IActorRef licenseVerifier, SignalingSettings settings, string version)
    {
        this.outbox = outbox;
        this.presence = presence;
        this.licenseVerifier = licenseVerifier;
        this.settings = settings;
        this.version = version;
        bucket = new TokenBucket(settings.Burst, settings.MessagesPerMinute, Environment.TickCount64 * TimeSpan.TicksPerMillisecond);
        Unregistered();
    }

    public static Props Props(ClientOutbox outbox, IActorRef presence, IActorRef licenseVerifier, SignalingSettings settings, string version) =>
        Akka.Actor.Props.Create(() => new ConnectionActor(outbox, presence, licenseVerifier, settings, version));

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

    private void Unregistered()
    {
        Receive<Connection.InboundFrame>(frame =>
        {
            if (Admit()) HandleUnregistered(ClientMessage.Parse(frame.Utf8));
        });
        ReceiveCommon();
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
        if (register.CertificatePem is null)
        {
            presence.Tell(new Presence.Register(new PeerInfo(clientId, callsign, HasLicense: false)));
        }
        else
        {
            licenseVerifier.Tell(new License.Verify(callsign, register.CertificatePem, register.Signature!, nonce));
        }

        Become(Registering);
    }

    private void Registering()
    {
        // Messages sent before REGISTERED arrives are charged now and answered, in order, once it is decided.
        var pending = new Queue<ClientMessage>();
        Receive<Connection.InboundFrame>(frame =>
        {
            if (Admit()) pending.Enqueue(ClientMessage.Parse(frame.Utf8));
        });
        Receive<License.Verified>(verified =>
        {
            callsign = verified.Callsign;
            presence.Tell(new Presence.Register(new PeerInfo(clientId, callsign, HasLicense: true)));
        });
        Receive<License.Rejected>(rejected =>
        {
            SendError(new SignalingError(SignalingErrors.InvalidCertificate, rejected.Reason, "REGISTER"));
            Become(Unregistered);
            while (pending.TryDequeue(out var message)) HandleUnregistered(message);
        });
        Receive<Presence.Registered>(registered =>
        {
            Send(ServerFrames.Registered(clientId, registered.ServerOwner, registered.Peers));
            log.Debug("{Callsign} registered as {ClientId}", callsign, clientId);
            Become(Registered);
            while (pending.TryDequeue(out var message)) HandleRegistered(message);
        });
        ReceiveCommon();
    }

    private void Registered()
    {
        Receive<Connection.InboundFrame>(frame =>
        {
            if (Admit()) HandleRegistered(ClientMessage.Parse(frame.Utf8));
        });
        Receive<Presence.Deliver>(deliver => Send(deliver.Frame));
        Receive<Presence.PeerJoined>(joined => Send(joined.Frame));
        Receive<Presence.PeerLeft>(left => Send(left.Frame));
        Receive<Presence.PeerList>(list => Send(ServerFrames.Peers(list.Peers)));
        Receive<Presence.RelayRefused>(refused => SendError(refused.Error));
        ReceiveCommon();
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
            iceCandidatesByTarget.Remove(signal.Target);
        }

        presence.Tell(new Presence.Relay(signal.Target, ServerFrames.SignalReceived(signal.Kind, clientId, callsign, signal.Payload)));
    }

    private void ReceiveCommon()
    {
        Receive<Presence.Welcome>(welcome => Send(ServerFrames.Hello(nonce, welcome.ServerOwner, version)));
        Receive<Connection.OversizedFrame>(oversized =>
        {
            if (Admit()) SendError(new SignalingError(SignalingErrors.MessageTooLarge,
                $"Messages are limited to {settings.MaxMessageBytes} bytes; this one had {oversized.Bytes} or more."));
        });
        Receive<Connection.BinaryFrame>(_ =>
        {
            if (Admit()) SendError(new SignalingError(SignalingErrors.BinaryNotSupported,
                "Send JSON text messages; binary messages are not part of the protocol."));
        });
        Receive<Connection.Disconnected>(_ => Context.Stop(Self));
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
            log.Info("Closing {ClientId} ({Callsign}): it kept sending while rate-limited", clientId, callsign);
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

    private void SendError(SignalingError error) => Send(ServerFrames.Error(error));

    private void Send(byte[] frame)
    {
        if (!outbox.TrySend(frame))
        {
            log.Info("Closing {ClientId} ({Callsign}): its outbound queue of {Capacity} frames is full", clientId, callsign, settings.OutboundQueue);
            Close(CloseReasons.ClientTooSlow);
        }
    }

    private void Close(CloseInstruction reason)
    {
        outbox.Close(reason.Status, reason.Reason);
        Context.Stop(Self);
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
