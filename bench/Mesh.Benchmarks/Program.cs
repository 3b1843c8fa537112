using Mesh.Benchmarks;

return args switch
{
    ["certificates", .. var rest] => await CertificateBenchmark.RunAsync(rest),
    ["frames", .. var rest] => FrameBenchmark.Run(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: mesh-bench certificates [--seconds N] [--concurrency N] [--runs N]");
    Console.Error.WriteLine("       mesh-bench frames [--seconds N] [--runs N]");
    return 2;
}
