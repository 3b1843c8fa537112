using System.Net.WebSockets;
using Mesh.Actors.Signaling;

namespace Mesh.Actors.Tests.Signaling;

public sealed class ClientOutboxTests
{
    private static byte[] Frame(int n) => BitConverter.GetBytes(n);

    [Fact]
    public async Task Frames_come_out_in_order_then_the_reader_ends_with_the_first_close_reason()
    {
        var outbox = new ClientOutbox(8);
        for (var i = 0; i < 3; i++) Assert.True(outbox.TrySend(Frame(i)));

        outbox.Close(WebSocketCloseStatus.PolicyViolation, "first");
        outbox.Close(WebSocketCloseStatus.NormalClosure, "second");

        var read = new List<int>();
        await foreach (var frame in outbox.Frames.ReadAllAsync()) read.Add(BitConverter.ToInt32(frame));
        Assert.Equal([0, 1, 2], read);
        Assert.Equal(new CloseInstruction(WebSocketCloseStatus.PolicyViolation, "first"), outbox.Closing);
        Assert.True(outbox.ClosedByNode.IsCancellationRequested);
        Assert.False(outbox.TrySend(Frame(3)));
    }

    [Fact]
    public void A_full_outbox_refuses_until_the_reader_takes_a_frame()
    {
        var outbox = new ClientOutbox(2);
        Assert.True(outbox.TrySend(Frame(0)));
        Assert.True(outbox.TrySend(Frame(1)));

        Assert.False(outbox.TrySend(Frame(2)));
        Assert.True(outbox.Frames.TryRead(out _));
        Assert.True(outbox.TrySend(Frame(2)));
        Assert.Null(outbox.Closing);
    }

    [Fact]
    public async Task A_waiting_reader_wakes_for_a_frame_and_for_the_close()
    {
        var outbox = new ClientOutbox(8);

        var waitForFrame = outbox.Frames.WaitToReadAsync().AsTask();
        Assert.False(waitForFrame.IsCompleted);
        outbox.TrySend(Frame(7));
        Assert.True(await waitForFrame.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(outbox.Frames.TryRead(out var frame));
        Assert.Equal(7, BitConverter.ToInt32(frame));

        var waitForClose = outbox.Frames.WaitToReadAsync().AsTask();
        Assert.False(waitForClose.IsCompleted);
        outbox.Close(WebSocketCloseStatus.NormalClosure, "done");
        Assert.False(await waitForClose.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_cancelled_wait_throws_and_leaves_the_next_wait_working()
    {
        var outbox = new ClientOutbox(8);
        using var cancel = new CancellationTokenSource();

        var cancelled = outbox.Frames.WaitToReadAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(TimeSpan.FromSeconds(5)));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => outbox.Frames.WaitToReadAsync(cancel.Token).AsTask());

        using var later = new CancellationTokenSource();
        var next = outbox.Frames.WaitToReadAsync(later.Token).AsTask();
        outbox.TrySend(Frame(1));
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(5)));
        await later.CancelAsync();
        Assert.True(outbox.Frames.TryRead(out _));
    }

    [Fact]
    public async Task Frames_from_many_writers_all_arrive_each_writer_in_order()
    {
        const int writers = 4, perWriter = 20_000;
        var outbox = new ClientOutbox(writers * perWriter);
        var reading = Task.Run(async () =>
        {
            var read = new List<(int Writer, int Index)>();
            await foreach (var frame in outbox.Frames.ReadAllAsync()) read.Add((frame[0], BitConverter.ToInt32(frame, 1)));
            return read;
        });

        await Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(() =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                var frame = new byte[5];
                frame[0] = (byte)writer;
                BitConverter.TryWriteBytes(frame.AsSpan(1), i);
                Assert.True(outbox.TrySend(frame));
            }
        })));
        outbox.Close(WebSocketCloseStatus.NormalClosure, "done");

        var received = await reading.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(writers * perWriter, received.Count);
        foreach (var group in received.GroupBy(frame => frame.Writer))
            Assert.Equal(Enumerable.Range(0, perWriter), group.Select(frame => frame.Index));
    }
}
