// One actor per known peer: it confirms the peer through its /api/info, keeps it fresh, and stops itself
// when the peer is gone. Its parent, PeerDirectoryActor, holds the views that queries read.
using System.Diagnostics;
using System.Net.Http.Json;
using Akka.Actor;
using Akka.Event;

namespace Mesh.Actors.Discovery;

public sealed class PeerActor : ReceiveActor, IWithTimers
{
    private sealed record ProbeResult(PeerInfo? Info, string? Failure, TimeSpan RoundTrip);

    private sealed class Probe
    {
        public static readonly Probe Instance = new();
    }

    private sealed class CheckExpiry
    {
        public static readonly CheckExpiry Instance = new();
    }

    /// <summary>Sent to the parent whenever the view changes.</summary>
    public sealed record PeerChanged(PeerView View);

    private readonly DiscoverySettings _settings;
    private readonly HttpClient _http;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private PeerState _state;
    private bool _probing;

    public ITimerScheduler Timers { get; set; } = null!;

    public PeerActor(PeerState initial, DiscoverySettings settings, HttpClient http)
    {
        _state = initial;
        _settings = settings;
        _http = http;

        Receive<PeerDirectoryCommands.PeerSighted>(m =>
        {
            Update(_state.Sighted(m.Sighting, DateTimeOffset.UtcNow));
            ScheduleExpiry();
        });
        Receive<PeerDirectoryCommands.AddPeer>(_ => StartProbe());
        Receive<Probe>(_ => StartProbe());
        Receive<ProbeResult>(OnProbeResult);
        Receive<CheckExpiry>(_ => StopIfGone());
    }

    public static Props Props(PeerState initial, DiscoverySettings settings, HttpClient http) =>
        Akka.Actor.Props.Create(() => new PeerActor(initial, settings, http));

    protected override void PreStart()
    {
        Context.Parent.Tell(new PeerChanged(_state.ToView()));
        Timers.StartPeriodicTimer("probe", Probe.Instance, _settings.ProbeInterval);
        ScheduleExpiry();
        StartProbe();
    }

    private void StartProbe()
    {
        if (_probing)
            return;
        _probing = true;
        var uri = new Uri(new Uri(_state.Endpoint), "/api/info");
        var timeout = _settings.ProbeTimeout;
        var http = _http;
        Fetch().PipeTo(Self);

        async Task<ProbeResult> Fetch()
        {
            var clock = Stopwatch.StartNew();
            try
            {
                using var cts = new CancellationTokenSource(timeout);
                var info = await http.GetFromJsonAsync<PeerInfo>(uri, cts.Token).ConfigureAwait(false);
                return info is null
                    ? new ProbeResult(null, "empty /api/info", clock.Elapsed)
                    : new ProbeResult(info, null, clock.Elapsed);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException or NotSupportedException)
            {
                return new ProbeResult(null, e.Message, clock.Elapsed);
            }
        }
    }

    private void OnProbeResult(ProbeResult result)
    {
        _probing = false;
        if (result.Info is { } info)
        {
            var first = !_state.Confirmed;
            Update(_state.ProbeSucceeded(info, DateTimeOffset.UtcNow));
            if (first)
            {
                _log.Info("Peer {Endpoint} ({Callsign}) confirmed in {RoundTripMs} ms", _state.Endpoint, _state.Callsign, result.RoundTrip.TotalMilliseconds);
                // A node that announced itself over /ws/coordinate stays outside this cluster on purpose (a slow link, another
                // island's choice); joining it is the operator's call (meshctl cluster join), not the join policy's.
                if (_state.Method != DiscoveryMethod.Peer)
                    Context.System.EventStream.Publish(new PeerDiscovered(_state.NodeId, _state.AkkaAddress, _state.Endpoint,
                        _state.Callsign, _state.Capabilities, _state.Method));
            }
        }
        else
        {
            _log.Debug("Probe of {Endpoint} failed: {Failure}", _state.Endpoint, result.Failure);
            Update(_state.ProbeFailed());
            StopIfGone();
        }
    }

    private void ScheduleExpiry()
    {
        if (_state.MdnsExpiresAt is { } expiry)
        {
            var left = expiry - DateTimeOffset.UtcNow;
            Timers.StartSingleTimer("expiry", CheckExpiry.Instance, left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
    }

    private void StopIfGone()
    {
        if (_state.GoneReason(DateTimeOffset.UtcNow, _settings.MaxFailedProbes) is not { } reason)
            return;
        _log.Info("Peer {Endpoint} ({Callsign}) is gone: {Reason}", _state.Endpoint, _state.Callsign, reason);
        Context.System.EventStream.Publish(new PeerLost(_state.NodeId, _state.AkkaAddress, _state.Endpoint, reason));
        Context.Stop(Self);
    }

    private void Update(PeerState next)
    {
        var before = _state.ToView();
        _state = next;
        var after = _state.ToView();
        if (before != after)
            Context.Parent.Tell(new PeerChanged(after));
    }
}
