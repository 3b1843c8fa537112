using Mesh.Actors.Signaling;

namespace Mesh.Actors.Tests.Signaling;

public sealed class TokenBucketTests
{
    [Fact]
    public void A_full_bucket_allows_a_burst_then_refuses()
    {
        var bucket = new TokenBucket(capacity: 3, perMinute: 60, startTicks: 0);

        Assert.True(bucket.TryTake(0));
        Assert.True(bucket.TryTake(0));
        Assert.True(bucket.TryTake(0));
        Assert.False(bucket.TryTake(0));
    }

    [Fact]
    public void Tokens_come_back_at_the_configured_rate()
    {
        var bucket = new TokenBucket(capacity: 1, perMinute: 60, startTicks: 0);
        Assert.True(bucket.TryTake(0));

        Assert.False(bucket.TryTake(TimeSpan.FromMilliseconds(900).Ticks));
        Assert.True(bucket.TryTake(TimeSpan.FromMilliseconds(1000).Ticks));
    }

    [Fact]
    public void A_long_silence_refills_no_more_than_the_capacity()
    {
        var bucket = new TokenBucket(capacity: 2, perMinute: 60, startTicks: 0);
        var later = TimeSpan.FromHours(1).Ticks;

        Assert.True(bucket.TryTake(later));
        Assert.True(bucket.TryTake(later));
        Assert.False(bucket.TryTake(later));
    }
}
