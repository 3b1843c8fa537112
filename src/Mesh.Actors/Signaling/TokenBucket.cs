namespace Mesh.Actors.Signaling;

/// <summary>A client's message allowance: <c>capacity</c> at once, refilled at <c>perMinute</c>.</summary>
public sealed class TokenBucket(int capacity, int perMinute, long startTicks)
{
    private readonly double refillPerTick = perMinute / (double)TimeSpan.TicksPerMinute;
    private double tokens = capacity;
    private long lastTicks = startTicks;

    public bool TryTake(long nowTicks)
    {
        if (nowTicks > lastTicks)
        {
            tokens = Math.Min(capacity, tokens + (nowTicks - lastTicks) * refillPerTick);
            lastTicks = nowTicks;
        }

        if (tokens < 1) return false;
        tokens -= 1;
        return true;
    }
}
