// Guards the IPNetwork shim (docs/decisions/0001-mdns-ipnetwork-shim.md): if IPNetwork2 5.x ever
// reaches the output again, MulticastService's type initialiser throws and these fail.
using System.Reflection;
using Makaretu.Dns;
using Xunit;

namespace Mesh.Actors.Tests.Discovery;

public sealed class MulticastServiceLoadingTests
{
    [Fact]
    public void A_multicast_service_constructs()
    {
        using var mdns = new MulticastService();

        Assert.True(mdns.UseIpv4 || mdns.UseIpv6);
    }

    [Fact]
    public void The_IPNetwork_assembly_that_Makaretu_binds_to_defines_the_class_it_calls()
    {
        var reference = typeof(MulticastService).Assembly.GetReferencedAssemblies()
            .Single(name => name.Name == "System.Net.IPNetwork");

        var loaded = Assembly.Load(reference);
        var parse = loaded.GetType("System.Net.IPNetwork", throwOnError: true)!
            .GetMethod("Parse", BindingFlags.Public | BindingFlags.Static, [typeof(string)]);

        Assert.NotNull(parse);
        Assert.NotNull(parse.Invoke(null, ["fe80::/10"]));
    }
}
