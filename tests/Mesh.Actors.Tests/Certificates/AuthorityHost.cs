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

    private AuthorityHost(IHost host)
    {
        _host = host;
        System = host.Services.GetRequiredService<ActorSystem>();
        Authority = host.Services.GetRequiredService<ActorRegistry>().Get<CertificateAuthority>();
    }

    public ActorSystem System { get; }

    public IActorRef Authority { get; }

    public static CertificateSettings Settings(string directory, int perHour = 10, int snapshotEvery = 1000) =>
        new(directory, Path.Combine(directory, "certs"), perHour, snapshotEvery, TimeSpan.FromDays(3650));

    public static async Task<AuthorityHost> StartAsync(CertificateSettings settings)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka("mesh-ca-test", akka =>
        {
            akka.AddHocon("akka.loglevel = WARNING", HoconAddMode.Prepend);
            akka.AddNodeStorage(settings.DatabasePath).AddCertificateAuthority(settings);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new AuthorityHost(host);
    }

    public Task<T> Ask<T>(object message) => Authority.Ask<T>(message, TimeSpan.FromSeconds(20));

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        _host.Dispose();
    }
}
