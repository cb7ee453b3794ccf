using System.Diagnostics;

namespace Atasker.Isolation.Tests;

/// <summary>Interval workers are anchored to their schedule: the lateness of each wake-up does not add up.</summary>
public sealed class DriftTests
{
    [Theory]
    [InlineData(10)]
    [InlineData(20)]
    public void Start_to_start_mean_is_within_2_percent_of_the_interval_over_a_second(int milliseconds)
    {
        using var supervisor = new TaskSupervisor($"drift-{milliseconds}");
        int count = (1000 / milliseconds) + 1;
        var starts = new long[count];
        int index = 0;
        using var done = new ManualResetEventSlim(false);
        var worker = new IntervalWorker("tick", _ =>
        {
            int i = Interlocked.Increment(ref index) - 1;
            if (i < count)
            {
                starts[i] = Stopwatch.GetTimestamp();
            }

            if (i == count - 1)
            {
                done.Set();
            }
        })
        { Interval = TimeSpan.FromMilliseconds(milliseconds) };

        worker.Start(supervisor);
        Patience.Wait(done, $"{count} executions");
        worker.Stop();

        double mean = Stopwatch.GetElapsedTime(starts[0], starts[^1]).TotalMilliseconds / (count - 1);
        Assert.InRange(mean, milliseconds * 0.98, milliseconds * 1.02);
    }
}
