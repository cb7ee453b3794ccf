using System;
using System.Numerics;

namespace Atasker;

/// <summary>
/// How long the tasks a pool admitted had waited for their slot, as counts in logarithmic buckets (four per power of
/// two of the clock's ticks, so a percentile is within 25% of the true value, rounded up). The counts run from the
/// supervisor's creation; <see cref="Since"/> gives those of an interval between two snapshots.
/// </summary>
/// <remarks>The pool adds one count per admission under the lock it already holds (no clock read for a task admitted
/// at once: its wait is 0), so keeping it costs the pool nothing measurable; a snapshot copies the buckets.</remarks>
public sealed class QueueWaitHistogram
{
    internal const int BucketCount = 248;
    private const int Exact = 8; // waits of 0..7 ticks have a bucket each

    /// <summary>Nothing counted (a pool snapshot that carries no histogram).</summary>
    internal static readonly QueueWaitHistogram Empty = new(new long[BucketCount], 1);

    private readonly long[] _counts;
    private readonly long _frequency;

    internal QueueWaitHistogram(long[] counts, long frequency)
    {
        _counts = counts;
        _frequency = frequency;
        foreach (long count in counts)
        {
            Count += count;
        }
    }

    /// <summary>How many admissions are counted.</summary>
    public long Count { get; }

    /// <summary>The wait that <paramref name="fraction"/> of the counted admissions did not exceed (the upper bound of
    /// its bucket); zero when nothing is counted.</summary>
    /// <param name="fraction">The percentile as a fraction: 0.5 for the median, 0.99 for p99.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is not in (0, 1].</exception>
    public TimeSpan Percentile(double fraction)
    {
        if (!(fraction > 0 && fraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The percentile must be a fraction in (0, 1]: 0.5 for the median, 0.99 for p99.");
        }

        if (Count == 0)
        {
            return TimeSpan.Zero;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(fraction * Count));
        long seen = 0;
        for (int bucket = 0; bucket < _counts.Length; bucket++)
        {
            seen += _counts[bucket];
            if (seen >= rank)
            {
                return bucket == 0 ? TimeSpan.Zero : ToTime(LowerBound(bucket + 1));
            }
        }

        return ToTime(LowerBound(_counts.Length));
    }

    /// <summary>The admissions counted here and not in <paramref name="earlier"/>, a snapshot of the same pool taken
    /// before this one.</summary>
    /// <param name="earlier">The earlier snapshot's histogram.</param>
    /// <exception cref="ArgumentException"><paramref name="earlier"/> is from a pool with another clock.</exception>
    public QueueWaitHistogram Since(QueueWaitHistogram earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        if (earlier.Count == 0)
        {
            return this;
        }

        if (earlier._frequency != _frequency)
        {
            throw new ArgumentException("The earlier histogram is from a pool on another clock.", nameof(earlier));
        }

        var counts = new long[_counts.Length];
        for (int bucket = 0; bucket < counts.Length; bucket++)
        {
            counts[bucket] = Math.Max(0, _counts[bucket] - earlier._counts[bucket]);
        }

        return new QueueWaitHistogram(counts, _frequency);
    }

    /// <summary>The bucket of a wait of <paramref name="ticks"/> clock ticks.</summary>
    internal static int BucketOf(long ticks)
    {
        if (ticks < Exact)
        {
            return ticks <= 0 ? 0 : (int)ticks;
        }

        int power = BitOperations.Log2((ulong)ticks); // 3 or more
        int quarter = (int)(ticks >> (power - 2)) & 3;
        return Math.Min(BucketCount - 1, Exact + ((power - 3) * 4) + quarter);
    }

    /// <summary>The smallest wait, in ticks, that falls in <paramref name="bucket"/>.</summary>
    private static long LowerBound(int bucket)
    {
        if (bucket < Exact)
        {
            return bucket;
        }

        int power = ((bucket - Exact) / 4) + 3;
        int quarter = (bucket - Exact) % 4;
        return power >= 62 ? long.MaxValue : (4L + quarter) << (power - 2);
    }

    private TimeSpan ToTime(long ticks) =>
        TimeSpan.FromTicks((long)Math.Min(TimeSpan.MaxValue.Ticks, ticks * (double)TimeSpan.TicksPerSecond / _frequency));
}
