using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Hosting;
using Mesh.Actors.Mesh;
using Mesh.Actors.Node;
using Mesh.Actors.Signaling;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Mesh.Node.Runtime;

/// <summary>
/// Keeps an actor system alive for the life of the process. When the cluster downs this node its
/// actor system terminates for good (a removed incarnation can never rejoin), so the supervisor builds
/// a new one, with backoff, while Kestrel keeps serving.
/// </summary>
public sealed class ActorSystemSupervisor(
    NodeConfiguration configuration,
    NodeIdentity identity,
    MeshRuntime runtime,
    ClusterJoinHints joinHints,
    ILoggerFactory loggerFactory,
    IHostApplicationLifetime lifetime,
    IServer server) : BackgroundService
{
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)];
    private readonly ILogger log = loggerFactory.CreateLogger<ActorSystemSupervisor>();
    private IHost? innerHost;

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        // Stop the actor system as soon as shutdown begins, so WebSockets get their close frames
        // before Kestrel waits for open requests.
        lifetime.ApplicationStopping.Register(() => _ = StopInnerHostAsync());
        int httpPort;
        try
        {
            httpPort = await HttpPortAsync(stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return;
        }

        var failures = 0;
        while (!stopping.IsCancellationRequested)
        {
            var incarnationStart = DateTimeOffset.UtcNow;
            try
            {
                var system = await StartIncarnationAsync(httpPort, stopping);
                await system.WhenTerminated.WaitAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception error)
            {
                log.LogError(error, "The actor system failed to start");
            }

            runtime.Set(null);
            await StopInnerHostAsync();
            if (stopping.IsCancellationRequested || lifetime.ApplicationStopping.IsCancellationRequested) break;

            // A long healthy life resets the backoff: only repeated quick failures slow the retries.
            failures = DateTimeOffset.UtcNow - incarnationStart > TimeSpan.FromMinutes(1) ? 0 : failures + 1;
            var delay = Backoff[Math.Min(failures, Backoff.Length - 1)];
            log.LogWarning("The actor system stopped; re-forming in {Delay}", delay);
            await Task.Delay(delay, stopping).ContinueWith(_ => { }, CancellationToken.None);
        }
    }

    /// <summary>
    /// The port Kestrel serves on, which discovery announces. With port 0 Kestrel picks it when it binds,
    /// and that is known only once the application has started.
    /// </summary>
    private async Task<int> HttpPortAsync(CancellationToken stopping)
    {
        if (configuration.Settings.HttpPort != 0) return configuration.Settings.HttpPort;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(stopping);
        var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel started without an address");
        return BindingAddress.Parse(bound).Port;
    }

    private async Task<ActorSystem> StartIncarnationAsync(int httpPort, CancellationToken stopping)
    {
        var settings = configuration.Settings;
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton<IHostLifetime, InnerHostLifetime>();
        builder.Services.AddAkka(MeshActorSystem.Name, (akka, _) =>
        {
            akka.AddHocon(configuration.Hocon, HoconAddMode.Prepend)
                .ConfigureLoggers(loggers =>
                {
                    loggers.ClearLoggers();
                    loggers.AddLoggerFactory();
                });
            MeshActorSystem.AddFeatures(akka, settings, identity, joinHints, httpPort);
        });

        var host = builder.Build();
        innerHost = host;
        await host.StartAsync(stopping);
        var system = host.Services.GetRequiredService<ActorSystem>();
        var registry = host.Services.GetRequiredService<ActorRegistry>();
        var cluster = Cluster.Get(system);
        runtime.Set(new Incarnation(system, registry, DateTimeOffset.UtcNow));
        log.LogInformation("Actor system {Address} started", cluster.SelfAddress);
        return system;
    }

    private async Task StopInnerHostAsync()
    {
        var host = Interlocked.Exchange(ref innerHost, null);
        if (host is null) return;
        try
        {
            await host.StopAsync(TimeSpan.FromSeconds(4));
        }
        finally
        {
            host.Dispose();
        }
    }
}

/// <summary>The inner host must not answer Ctrl+C or SIGTERM itself: the process's own host decides when to stop.</summary>
internal sealed class InnerHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
