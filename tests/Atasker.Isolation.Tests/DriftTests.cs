using System.Diagnostics;

namespace Atasker.Isolation.Tests;

/// <summary>Interval workers are anchored to their schedule: the lateness of each wake-up does not add up.</summary>
public sealed class DriftTests
{
    [Theory]
    [InlineData(10)]
    [InlineData(20)]
    public void The_period_of_the_starts_stays_within_5_percent_of_the_interval_over_a_second_even_beside_other_work(int milliseconds)
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

        // The period of the schedule the starts follow: the least-squares slope of start time against index. Lateness
        // that adds up (the next due measured from each late wake-up) lengthens it by the typical lateness: 12.5 ms for
        // 10 ms and 32.3 ms for 20 ms before anchoring. On an idle machine it is within 2% (docs/concepts.md); the
        // bound here is 5% because the test runs beside the other test projects, where one wake-up later than a whole
        // interval moves the schedule on (no burst, by design), which the first-to-last mean would count as drift.
        double period = Slope(starts.Select(start => Stopwatch.GetElapsedTime(starts[0], start).TotalMilliseconds).ToArray());
        Assert.InRange(period, milliseconds * 0.95, milliseconds * 1.05);
    }

    private static double Slope(double[] values)
    {
        double meanIndex = (values.Length - 1) / 2.0;
        double meanValue = values.Average();
        double covariance = 0;
        double variance = 0;
        for (int i = 0; i < values.Length; i++)
        {
            covariance += (i - meanIndex) * (values[i] - meanValue);
            variance += (i - meanIndex) * (i - meanIndex);
        }

        return covariance / variance;
    }
}
