using System;
using System.Diagnostics;

namespace Atasker;

/// <summary>
/// The one clock of the runtime: monotonic timestamps (cheap, never jump), turned into wall-clock times only when a
/// handle's QueuedAt/StartedAt/CompletedAt is read.
/// </summary>
internal static class Clock
{
    private static readonly long s_originTimestamp = Stopwatch.GetTimestamp();
    private static readonly long s_originUtcTicks = DateTime.UtcNow.Ticks;

    public static long Now => Stopwatch.GetTimestamp();

    public static DateTimeOffset ToUtc(long timestamp) =>
        new(s_originUtcTicks + Stopwatch.GetElapsedTime(s_originTimestamp, timestamp).Ticks, TimeSpan.Zero);

    /// <summary>A duration in timestamp units; <see cref="long.MaxValue"/> for an infinite one.</summary>
    public static long ToTimestampUnits(TimeSpan duration) =>
        duration == System.Threading.Timeout.InfiniteTimeSpan
            ? long.MaxValue
            : (long)Math.Min(long.MaxValue / 2.0, duration.TotalSeconds * Stopwatch.Frequency);
}
