// Wires discovery into a node: `builder.AddDiscovery(settings, localNode)`, used by Program and tests alike.
using Akka.Hosting;

namespace Mesh.Actors.Discovery;

public static class DiscoveryHosting
{
    /// <summary>
    /// Starts the PeerDirectoryActor (registered as <see cref="PeerDirectoryActor"/>) and, unless
    /// `mesh.mdns.enabled = off`, the MdnsActor (registered as <see cref="MdnsActor"/>). Tell the latter
    /// <see cref="MdnsCommands.UpdateLocalNode"/> when the node changes or its HTTP port becomes known.
    /// </summary>
    public static AkkaConfigurationBuilder AddDiscovery(this AkkaConfigurationBuilder builder, DiscoverySettings settings, LocalNode node)
    {
        return builder.WithActors((system, registry) =>
        {
            var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = settings.ProbeTimeout })
            {
                Timeout = settings.ProbeTimeout,
                MaxResponseContentBufferSize = 64 * 1024,
            };
            system.RegisterOnTermination(http.Dispose);
            var directory = system.ActorOf(PeerDirectoryActor.Props(settings, http), "peer-directory");
            registry.Register<PeerDirectoryActor>(directory);
            if (settings.MdnsEnabled)
                registry.Register<MdnsActor>(system.ActorOf(MdnsActor.Props(settings, node, directory), "mdns"));
        });
    }
}
