// The real openssl command line, run in a test's own directory.
using System.Diagnostics;

namespace Mesh.Actors.Tests.Certificates;

public sealed class Openssl(string directory)
{
    /// <summary>Teaches `openssl req -subj` the name TQSL gives the callsign attribute.</summary>
    private const string RequestConfig = """
        oid_section = new_oids
        [new_oids]
        AROcallsign = 1.3.6.1.4.1.12348.1.1
        [req]
        distinguished_name = dn
        prompt = no
        [dn]
        """;

    public string Directory { get; } = directory;

    public string PathOf(string name) => Path.Combine(Directory, name);

    public string Read(string name) => File.ReadAllText(PathOf(name));

    public void Write(string name, string text) => File.WriteAllText(PathOf(name), text);

    public (int ExitCode, string Output) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl") { WorkingDirectory = Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            throw new TimeoutException($"openssl {string.Join(' ', arguments)} did not finish");
        }
        return (process.ExitCode, output.Result + error.Result);
    }

    public string Must(params string[] arguments)
    {
        var (exitCode, output) = Run(arguments);
        if (exitCode != 0)
            throw new InvalidOperationException($"openssl {string.Join(' ', arguments)} failed ({exitCode}): {output}");
        return output;
    }

    public void SelfSignedCa(string name, string subject, string keyAlgorithm = "ec")
    {
        Must(["req", "-x509", "-newkey", .. KeyOptions(keyAlgorithm), "-nodes", "-keyout", $"{name}.key", "-out", $"{name}.pem", "-days", "3650",
            "-subj", subject, "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
    }

    public void KeyAndCsr(string name, string subject, string keyAlgorithm = "ec")
    {
        Write("req.cnf", RequestConfig);
        Must(["req", "-config", "req.cnf", "-new", "-newkey", .. KeyOptions(keyAlgorithm), "-nodes", "-keyout", $"{name}.key", "-out", $"{name}.csr",
            "-subj", subject]);
    }

    /// <summary>Signs <paramref name="csr"/> with <paramref name="ca"/>'s key, extensions written openssl's way.</summary>
    public void Sign(string csr, string ca, string output, string extensions)
    {
        Write($"{output}.ext", extensions);
        Must("x509", "-req", "-in", $"{csr}.csr", "-CA", $"{ca}.pem", "-CAkey", $"{ca}.key", "-CAcreateserial", "-out", $"{output}.pem",
            "-days", "3650", "-extfile", $"{output}.ext");
    }

    /// <summary>Base64 of `openssl dgst -sha256 -sign`: DER for ECDSA, PKCS#1 v1.5 for RSA.</summary>
    public string SignNonce(string key, string nonce)
    {
        Write("nonce.txt", nonce);
        Must("dgst", "-sha256", "-sign", $"{key}.key", "-out", "nonce.sig", "nonce.txt");
        return Convert.ToBase64String(File.ReadAllBytes(PathOf("nonce.sig")));
    }

    private static string[] KeyOptions(string keyAlgorithm) => keyAlgorithm switch
    {
        "ec" => ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
        "rsa1024" => ["rsa:1024"],
        _ => ["rsa:2048"],
    };
}
