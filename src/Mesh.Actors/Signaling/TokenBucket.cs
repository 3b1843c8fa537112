namespace Mesh.Actors.Signaling;

/// <summary>A client's message allowance: <c>capacity</c> at once, refilled at <c>perMinute</c>.</summary>
/// <remarks>Counted in whole token-ticks (one token = a minute of ticks) so refills are exact.</remarks>
public sealed class TokenBucket(int capacity, int perMinute, long startTicks)
{
    private readonly long fullBucket = capacity * TimeSpan.TicksPerMinute;
    private long tokenTicks = capacity * TimeSpan.TicksPerMinute;
    private long lastTicks = startTicks;

    public bool TryTake(long nowTicks)
    {
        if (nowTicks > lastTicks)
        {
            var refill = (nowTicks - lastTicks) * perMinute;
            // A silence long enough to overflow the product has refilled the bucket anyway.
            tokenTicks = refill < 0 || refill >= fullBucket - tokenTicks ? fullBucket : tokenTicks + refill;
            lastTicks = nowTicks;
        }

        if (tokenTicks < TimeSpan.TicksPerMinute) return false;
        tokenTicks -= TimeSpan.TicksPerMinute;
        return true;
    }
}
