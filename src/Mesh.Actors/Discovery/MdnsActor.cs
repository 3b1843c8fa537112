// Owns the node's mDNS socket (Makaretu's MulticastService): answers queries for our services,
// announces on start and on change, says goodbye on stop, and browses `_hamesh._tcp` continuously,
// handing every sighting to the PeerDirectoryActor.
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Akka;
using Akka.Actor;
using Akka.Event;
using Makaretu.Dns;
using Mesh.Actors.Node;

namespace Mesh.Actors.Discovery;

public sealed class MdnsActor : ReceiveActor, IWithTimers
{
    private sealed record QueryArrived(IReadOnlyList<MdnsQuestion> Questions, IPEndPoint From, ushort Id);

    private sealed record ResponseArrived(BrowseResult Result, IPAddress From);

    private sealed record UnreadablePacket(string Why);

    private sealed class Announce
    {
        public static readonly Announce Instance = new();
    }

    private sealed class Browse
    {
        public static readonly Browse Instance = new();
    }

    private sealed class SayGoodbye
    {
        public static readonly SayGoodbye Instance = new();
    }

    /// <summary>Questions asked to complete one response's sightings; a hostile packet cannot make us send more.</summary>
    private const int MaxFollowUps = 4;

    private readonly DiscoverySettings _settings;
    private readonly IActorRef _directory;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private MulticastService? _mdns;
    private LocalNode _node;
    private IReadOnlyList<IPAddress> _addresses = [];
    private TimeSpan _browseInterval = TimeSpan.FromSeconds(1);
    private bool _announced;

    public ITimerScheduler Timers { get; set; } = null!;

    public MdnsActor(DiscoverySettings settings, LocalNode node, IActorRef directory)
    {
        _settings = settings;
        _node = node;
        _directory = directory;

        Receive<MdnsCommands.UpdateLocalNode>(OnUpdate);
        // Claimed or made a CA: announce the new name and caps at once (RFC 6762 §8.4).
        Receive<NodeOwnershipChanged>(ownership => OnUpdate(new MdnsCommands.UpdateLocalNode(
            _node with { Callsign = ownership.Owner, Capabilities = ownership.Capabilities })));
        Receive<QueryArrived>(OnQuery);
        Receive<ResponseArrived>(OnResponse);
        Receive<UnreadablePacket>(m => _log.Debug("Ignored an unreadable mDNS packet: {Why}", m.Why));
        Receive<Announce>(_ => SendAnnouncement());
        Receive<Browse>(_ => OnBrowse());
        Receive<SayGoodbye>(_ =>
        {
            Leave();
            Sender.Tell(Done.Instance);
        });
    }

    public static Props Props(DiscoverySettings settings, LocalNode node, IActorRef directory) =>
        Akka.Actor.Props.Create(() => new MdnsActor(settings, node, directory));

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(NodeOwnershipChanged));
        Context.System.EventStream.Publish(NodeOwnershipRequested.Instance);
        if (_node.AkkaAddress is null && ((ExtendedActorSystem)Context.System).Provider.DefaultAddress is { HasGlobalScope: true } address)
            _node = _node with { AkkaAddress = address.ToString() };

        var wanted = _settings.Interface;
        // IPv4 only: one path per packet (no duplicate v4/v6 copies), and A records are all peers need to connect.
        _mdns = new MulticastService(nics => nics.Where(n => wanted is null || n.Name == wanted)) { UseIpv6 = false };
        var self = Self;
        _mdns.QueryReceived += (_, e) =>
        {
            var questions = e.Message.Questions
                .Where(q => ((ushort)q.Class & 0x7fff) == (ushort)DnsClass.IN || ((ushort)q.Class & 0x7fff) == (ushort)DnsClass.ANY)
                .Select(q => new MdnsQuestion(q.Name, q.Type))
                .ToList();
            if (questions.Count > 0)
                self.Tell(new QueryArrived(questions, e.RemoteEndPoint, e.Message.Id));
        };
        _mdns.AnswerReceived += (_, e) =>
        {
            try
            {
                var result = MdnsBrowsing.Read(e.Message, e.RemoteEndPoint.Address);
                if (!result.IsEmpty)
                    self.Tell(new ResponseArrived(result, e.RemoteEndPoint.Address));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A bug in our reading of some odd packet; the library would swallow it without a word.
                self.Tell(new UnreadablePacket($"{ex.GetType().Name}: {ex.Message}"));
            }
        };
        _mdns.MalformedMessage += (_, bytes) => self.Tell(new UnreadablePacket($"{bytes.Length} bytes that are not DNS"));
        _mdns.Start();

        _addresses = CurrentAddresses(wanted);
        if (_addresses.Count == 0)
            _log.Warning("mDNS: no usable IPv4 interface{Filter}; nothing will be announced or found", wanted is null ? "" : $" named {wanted}");
        else
            _log.Info("mDNS on {Addresses} as {Instance}", string.Join(", ", _addresses), _node.InstanceName);

        StartAnnouncing();
        Timers.StartSingleTimer("browse", Browse.Instance, TimeSpan.Zero);

        // The goodbye goes out as shutdown begins: by the time actors are stopped the process may be exiting.
        CoordinatedShutdown.Get(Context.System).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "mdns-goodbye", async () =>
        {
            try
            {
                return await self.Ask<Done>(SayGoodbye.Instance, TimeSpan.FromSeconds(2));
            }
            catch (AskTimeoutException)
            {
                return Done.Instance;
            }
        });
    }

    protected override void PostStop()
    {
        Leave();
    }

    /// <summary>Goodbye (once), and from then on no announcement, answer or query: we are gone.</summary>
    private void Leave()
    {
        if (_mdns is null)
            return;
        Timers.CancelAll();
        if (_announced)
            SendGoodbye(_node);
        _mdns.Stop();
        _mdns.Dispose();
        _mdns = null;
        _announced = false;
    }

    private void OnUpdate(MdnsCommands.UpdateLocalNode m)
    {
        var next = m.Node.AkkaAddress is null ? m.Node with { AkkaAddress = _node.AkkaAddress } : m.Node;
        if (next == _node)
            return;
        if (_announced && next.InstanceName != _node.InstanceName)
            SendGoodbye(_node);
        _node = next;
        StartAnnouncing();
    }

    /// <summary>RFC 6762 §8.3: two announcements a second apart, then refreshed at half the TTL so peers never let us expire.</summary>
    private void StartAnnouncing()
    {
        if (_mdns is null || _node.HttpPort <= 0)
            return;
        SendAnnouncement();
        Timers.StartSingleTimer("announce-again", Announce.Instance, TimeSpan.FromSeconds(1));
        Timers.StartPeriodicTimer("refresh", Announce.Instance, _settings.RecordTtl / 2);
    }

    private void SendAnnouncement()
    {
        if (_mdns is null || _node.HttpPort <= 0)
            return;
        _addresses = CurrentAddresses(_settings.Interface);
        Send(() => _mdns.SendAnswer(MdnsRecords.Announcement(_node, _addresses, _settings.RecordTtl), checkDuplicate: false));
        _announced = true;
    }

    private void SendGoodbye(LocalNode node)
    {
        _log.Info("mDNS goodbye for {Instance}", node.InstanceName);
        Send(() => _mdns!.SendAnswer(MdnsRecords.Announcement(node, _addresses, TimeSpan.Zero), checkDuplicate: false));
    }

    private void OnQuery(QueryArrived m)
    {
        if (_mdns is null || _node.HttpPort <= 0)
            return;
        if (MdnsRecords.Answer(m.Questions, _node, _addresses, _settings.RecordTtl) is not { } answer)
            return;
        // A query from a port other than 5353 is a legacy unicast one (dig, RFC 6762 §6.7): answer it directly, with its id and questions.
        var query = new Message { Id = m.Id };
        query.Questions.AddRange(m.Questions.Select(q => new Question { Name = q.Name, Type = q.Type, Class = DnsClass.IN }));
        Send(() => _mdns.SendAnswer(answer, new MessageEventArgs { Message = query, RemoteEndPoint = m.From }));
    }

    private void OnResponse(ResponseArrived m)
    {
        foreach (var sighting in m.Result.Sightings.Where(s => s.NodeId != _node.NodeId))
            _directory.Tell(new PeerDirectoryCommands.PeerSighted(sighting));
        foreach (var instance in m.Result.Goodbyes.Where(i => i != _node.InstanceName))
            _directory.Tell(new PeerDirectoryCommands.PeerSaidGoodbye(instance, m.From));
        if (m.Result.Rejected > 0)
            _log.Debug("Ignored {Count} mDNS records with absurd TTLs or TXT", m.Result.Rejected);
        if (m.Result.FollowUps.Count > 0 && _mdns is not null)
        {
            var query = new Message { QR = false };
            query.Questions.AddRange(m.Result.FollowUps.Take(MaxFollowUps).Select(q => new Question { Name = q.Name, Type = q.Type, Class = DnsClass.IN }));
            Send(() => _mdns.SendQuery(query));
        }
    }

    /// <summary>RFC 6762 §5.2: continuous querying, the interval doubling from one second up to a ceiling.</summary>
    private void OnBrowse()
    {
        if (_mdns is null)
            return;
        Send(() => _mdns.SendQuery(MdnsNames.MeshService, type: DnsType.PTR));
        Timers.StartSingleTimer("browse", Browse.Instance, _browseInterval);
        _browseInterval = TimeSpan.FromTicks(Math.Min(_browseInterval.Ticks * 2, _settings.MaxQueryInterval.Ticks));
    }

    private void Send(Action send)
    {
        try
        {
            send();
        }
        catch (Exception e) when (e is SocketException or ArgumentOutOfRangeException or ObjectDisposedException)
        {
            _log.Warning("mDNS send failed: {Error}", e.Message);
        }
    }

    private static IReadOnlyList<IPAddress> CurrentAddresses(string? interfaceName) =>
        MulticastService.GetNetworkInterfaces()
            .Where(n => interfaceName is null || n.Name == interfaceName)
            .Where(n => n.SupportsMulticast)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            .ToList();
}
