using Mesh.Actors.Node;
using Mesh.Node;
using Mesh.Node.Edge;
using Mesh.Node.Ops;
using Mesh.Node.Runtime;

// Socket completions run on the epoll thread instead of one thread-pool hop each (P3 in
// docs/benchmarks.md); read once, before the first socket, so it is set here unless the operator has.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");

NodeCommandLine commandLine;
NodeConfiguration configuration;
try
{
    commandLine = NodeCommandLine.Parse(args);
    if (commandLine.ShowHelp)
    {
        Console.WriteLine(NodeCommandLine.Usage);
        return 0;
    }

    if (commandLine.ShowVersion)
    {
        Console.WriteLine($"mesh-node {NodeIdentity.CurrentVersion}");
        return 0;
    }

    configuration = NodeConfiguration.Load(commandLine);
}
catch (Exception error) when (error is CommandLineException or InvalidConfigurationException)
{
    Console.Error.WriteLine($"mesh-node: {error.Message}");
    return 2;
}

var settings = configuration.Settings;
var identity = NodeIdentity.LoadOrCreate(settings.DataDirectory);
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
builder.Logging.AddNodeLogging(settings);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Listen(System.Net.IPAddress.Parse(settings.HttpBind), settings.HttpPort);
    kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
});
builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
builder.Services.AddSingleton(configuration);
builder.Services.AddSingleton(settings);
builder.Services.AddSingleton(identity);
builder.Services.AddSingleton<MeshRuntime>();
builder.Services.AddSingleton<Mesh.Actors.Mesh.ClusterJoinHints>();
builder.Services.AddHostedService<ActorSystemSupervisor>();
builder.Services.AddSingleton<OpsCommands>();
builder.Services.AddSingleton<OpsServer>();
builder.Services.AddHostedService(services => services.GetRequiredService<OpsServer>());

var app = builder.Build();
app.UseJsonErrors();
app.UseWebSockets();
app.MapStatus();
app.MapSignaling();
app.MapCoordination();
app.MapMetrics();
app.MapMeshEndpoints();
app.MapCertificateEndpoints();
app.MapDiscovery();
app.UsePwa();
app.Logger.LogInformation("mesh-node {Version} node {NodeId}, data in {DataDirectory}", identity.Version, identity.NodeId, settings.DataDirectory);
try
{
    app.Services.GetRequiredService<OpsServer>().Listen();
    await app.RunAsync();
}
catch (InvalidConfigurationException error)
{
    // A port the config names that cannot be had (mesh.ops.port taken) is found only when bound.
    Console.Error.WriteLine($"mesh-node: {error.Message}");
    return 2;
}

return 0;
