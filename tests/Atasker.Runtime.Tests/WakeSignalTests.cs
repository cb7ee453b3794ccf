namespace Atasker.Runtime.Tests;

/// <summary>The thread runner's parking semaphore: releases are counted, never lost, and wake as many waiters.</summary>
public sealed class WakeSignalTests
{
    [Fact]
    public void A_release_before_the_wait_lets_it_through_and_is_used_up()
    {
        var signal = new WakeSignal();

        signal.Release();

        Assert.True(signal.Wait(TimeSpan.Zero));
        Assert.False(signal.Wait(TimeSpan.FromMilliseconds(20)));
    }

    [Fact]
    public void Releasing_three_wakes_three_of_five_waiters_and_the_rest_time_out()
    {
        var signal = new WakeSignal();
        using var waiting = new CountdownEvent(5);
        int through = 0, timedOut = 0;
        var threads = Enumerable.Range(0, 5).Select(_ => new Thread(() =>
        {
            waiting.Signal();
            if (signal.Wait(TimeSpan.FromSeconds(2)))
            {
                Interlocked.Increment(ref through);
            }
            else
            {
                Interlocked.Increment(ref timedOut);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        Assert.True(waiting.Wait(Probe.Patience));
        Assert.True(SpinWait.SpinUntil(() => threads.All(t => t.ThreadState.HasFlag(ThreadState.WaitSleepJoin)), Probe.Patience));

        signal.Release(3);
        threads.ForEach(t => t.Join());

        Assert.Equal((3, 2), (through, timedOut));
    }

    [Fact]
    public void Many_releasers_and_waiters_pass_exactly_as_many_waits_as_releases()
    {
        var signal = new WakeSignal();
        const int Each = 2_000;
        using var start = new Barrier(8);
        int passed = 0, failed = 0;
        var waiters = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < Each; i++)
            {
                Interlocked.Increment(ref signal.Wait(Probe.Patience) ? ref passed : ref failed);
            }
        })).ToList();
        var releasers = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < Each; i++)
            {
                signal.Release();
            }
        })).ToList();

        waiters.Concat(releasers).ToList().ForEach(t => t.Start());
        waiters.Concat(releasers).ToList().ForEach(t => t.Join());

        Assert.Equal((4 * Each, 0), (passed, failed));
        Assert.False(signal.Wait(TimeSpan.Zero)); // nothing left over
    }
}
