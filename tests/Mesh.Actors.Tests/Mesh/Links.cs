// Cutting and restoring links between actor systems through Akka.Remote's throttle adapter (applied-adapters = [trttl]).
using Akka.Actor;
using Akka.Cluster;
using Akka.Remote;
using Akka.Remote.Transport;

namespace Mesh.Actors.Tests.Mesh;

public static class Links
{
    /// <summary>Blackholes every link between <paramref name="island"/> and <paramref name="others"/>, or restores them.</summary>
    public static void Set(IEnumerable<ActorSystem> island, IEnumerable<ActorSystem> others, bool cut)
    {
        var outside = others.ToList();
        foreach (var inside in island)
        {
            var transport = ((IRemoteActorRefProvider)((ExtendedActorSystem)inside).Provider).Transport;
            foreach (var other in outside)
            {
                ThrottleMode mode = cut ? Blackhole.Instance : Unthrottled.Instance;
                transport.ManagementCommand(new SetThrottle(Cluster.Get(other).SelfAddress, ThrottleTransportAdapter.Direction.Both, mode))
                    .Wait(TimeSpan.FromSeconds(5));
            }
        }
    }
}
