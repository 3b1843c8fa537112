// Parent of every PeerActor: creates one when a peer is first seen by any means, routes later news
// to it, and answers the peer queries from the views its children report.
using Akka.Actor;
using Akka.Event;

namespace Mesh.Actors.Discovery;

public sealed class PeerDirectoryActor : ReceiveActor
{
    private readonly DiscoverySettings _settings;
    private readonly HttpClient _http;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, IActorRef> _byEndpoint = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<IActorRef, PeerView> _views = new();
    private readonly Dictionary<string, string> _instanceByEndpoint = new(StringComparer.OrdinalIgnoreCase);
    private long _created;

    public PeerDirectoryActor(DiscoverySettings settings, HttpClient http)
    {
        _settings = settings;
        _http = http;

        Receive<PeerDirectoryCommands.PeerSighted>(m =>
        {
            if (ForwardOrCreate(m.Sighting.Endpoint, () => PeerState.FromSighting(m.Sighting, DateTimeOffset.UtcNow), m) is not null)
                _instanceByEndpoint[m.Sighting.Endpoint] = m.Sighting.InstanceName;
        });
        Receive<PeerDirectoryCommands.PeerSaidGoodbye>(OnGoodbye);
        Receive<PeerDirectoryCommands.AddPeer>(OnAddPeer);
        Receive<PeerActor.PeerChanged>(m =>
        {
            if (_views.ContainsKey(Sender))
                _views[Sender] = m.View;
        });
        Receive<Terminated>(m => Forget(m.ActorRef));
        Receive<PeerDirectoryQueries.GetPeers>(_ =>
            Sender.Tell(new PeerDirectoryReplies.Peers(_views.Values.OrderBy(v => v.Endpoint, StringComparer.Ordinal).ToList())));
        Receive<PeerDirectoryQueries.GetLocalServers>(_ => Sender.Tell(new PeerDirectoryReplies.LocalServers(
            _views.Values
                .Where(v => v.DiscoveryMethod == DiscoveryMethod.Mdns && v.SignalingUrl is not null)
                .OrderBy(v => v.Endpoint, StringComparer.Ordinal)
                .Select(v => new LocalServer(v.Callsign, v.Endpoint, v.SignalingUrl!, v.Capabilities))
                .ToList())));
    }

    public static Props Props(DiscoverySettings settings, HttpClient http) =>
        Akka.Actor.Props.Create(() => new PeerDirectoryActor(settings, http));

    private void OnAddPeer(PeerDirectoryCommands.AddPeer m)
    {
        if (NormaliseEndpoint(m.Endpoint) is not { } endpoint)
        {
            Sender.Tell(new PeerDirectoryReplies.PeerRejected("INVALID_ENDPOINT", "endpoint must be an absolute http or https URL with a host, such as http://10.0.0.5:8080"));
            return;
        }
        if (m.Callsign is { } callsign && !MdnsBrowsing.IsCallsign(callsign))
        {
            Sender.Tell(new PeerDirectoryReplies.PeerRejected("INVALID_CALLSIGN", "callsign must be an amateur radio callsign such as W1AW or DL/W1AW/P"));
            return;
        }
        var peer = ForwardOrCreate(endpoint, () => PeerState.Named(endpoint, m.Callsign?.ToUpperInvariant(), m.Method), m);
        if (peer is null)
            Sender.Tell(new PeerDirectoryReplies.PeerRejected("TOO_MANY_PEERS", $"this node keeps at most {_settings.MaxPeers} peers"));
        else
            Sender.Tell(new PeerDirectoryReplies.PeerAdded(_views[peer]));
    }

    private IActorRef? ForwardOrCreate(string endpoint, Func<PeerState> initial, object message)
    {
        if (_byEndpoint.TryGetValue(endpoint, out var existing))
        {
            existing.Tell(message);
            return existing;
        }
        if (_byEndpoint.Count >= _settings.MaxPeers)
        {
            _log.Warning("Ignoring peer {Endpoint}: already {MaxPeers} peers", endpoint, _settings.MaxPeers);
            return null;
        }
        var state = initial();
        var peer = Context.ActorOf(PeerActor.Props(state, _settings, _http), $"peer-{++_created}");
        Context.Watch(peer);
        _byEndpoint[endpoint] = peer;
        _views[peer] = state.ToView();
        _log.Info("New peer {Endpoint} ({Callsign}) by {Method}", endpoint, state.Callsign, state.Method.ToWire());
        return peer;
    }

    private void OnGoodbye(PeerDirectoryCommands.PeerSaidGoodbye m)
    {
        var leaving = _instanceByEndpoint
            .Where(p => string.Equals(p.Value, m.InstanceName, StringComparison.OrdinalIgnoreCase) && new Uri(p.Key).Host == m.From.ToString())
            .Select(p => _byEndpoint[p.Key])
            .ToList();
        foreach (var peer in leaving)
        {
            var view = _views[peer];
            _log.Info("Peer {Endpoint} ({Callsign}) said goodbye", view.Endpoint, view.Callsign);
            Context.System.EventStream.Publish(new PeerLost(view.NodeId, view.AkkaAddress, view.Endpoint, "goodbye"));
            Forget(peer);
            Context.Stop(peer);
        }
    }

    private void Forget(IActorRef peer)
    {
        Context.Unwatch(peer);
        if (!_views.Remove(peer, out var view))
            return;
        _byEndpoint.Remove(view.Endpoint);
        _instanceByEndpoint.Remove(view.Endpoint);
    }

    /// <summary>`scheme://host:port` of an absolute http(s) URL, or null.</summary>
    public static string? NormaliseEndpoint(string? text)
    {
        if (text is null || text.Length > 256 || !Uri.TryCreate(text, UriKind.Absolute, out var uri))
            return null;
        if (uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host) || uri.PathAndQuery is not ("/" or ""))
            return null;
        return $"{uri.Scheme}://{uri.Authority}";
    }
}
