// One incarnation of a node's actor system with the certificate authority wired the way the daemon wires it.
using Akka.Actor;
using Akka.Hosting;
using Mesh.Actors.Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mesh.Actors.Tests.Certificates;

public sealed class AuthorityHost : IAsyncDisposable
{
    private readonly IHost _host;

    private AuthorityHost(IHost host, CertificateSettings settings)
    {
        _host = host;
        AuthoritySettings = settings;
        System = host.Services.GetRequiredService<ActorSystem>();
        var registry = host.Services.GetRequiredService<ActorRegistry>();
        Authority = registry.Get<CertificateAuthority>();
    }

    public CertificateSettings AuthoritySettings { get; }

    public ActorSystem System { get; }

    public IActorRef Authority { get; }

    public static CertificateSettings Settings(string directory, int perHour = 10, int snapshotEvery = 1000) =>
        new(directory, Path.Combine(directory, "certs"), perHour, snapshotEvery, TimeSpan.FromDays(3650));

    /// <param name="mesh">a cluster node's config: the authority then also spreads its trust store through the mesh.</param>
    public static async Task<AuthorityHost> StartAsync(CertificateSettings settings, Akka.Configuration.Config? mesh = null)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka("mesh-ca-test", akka =>
        {
            akka.AddHocon("akka.loglevel = WARNING", HoconAddMode.Prepend);
            if (mesh is not null)
                akka.AddHocon(mesh, HoconAddMode.Prepend);
            akka.AddNodeStorage(settings.DatabasePath).AddCertificateAuthority(settings, acrossMesh: mesh is not null);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new AuthorityHost(host, settings);
    }

    public Task<T> Ask<T>(object message) => Authority.Ask<T>(message, TimeSpan.FromSeconds(20));

    /// <summary>Tells the authority and expects a reply of exactly this type (a refusal fails the test with its reason).</summary>
    public T Send<T>(object message, IActorRef? to = null)
    {
        var probe = new Akka.TestKit.Xunit2.TestKit(System).CreateTestProbe();
        (to ?? Authority).Tell(message, probe.Ref);
        return probe.ExpectMsg<T>(TimeSpan.FromSeconds(20));
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        _host.Dispose();
    }
}
