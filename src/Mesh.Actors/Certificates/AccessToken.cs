// The owner's bearer token: random, shown once, kept only as its SHA-256, compared in constant time.
using System.Security.Cryptography;
using System.Text;

namespace Mesh.Actors.Certificates;

public static class AccessToken
{
    public static (string Token, byte[] Hash) Create()
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (token, Hash(token));
    }

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public static bool Matches(ReadOnlySpan<byte> storedHash, string? presented) =>
        presented is not null && storedHash.Length == 32 && CryptographicOperations.FixedTimeEquals(storedHash, Hash(presented));
}
