using System;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Atasker.Hosting;

/// <summary>
/// Reads <see cref="AtaskerOptions"/> from a configuration section by key, without reflection (so it trims and runs
/// under NativeAOT). A value that cannot be read is kept as a problem naming its full key, reported at start.
/// </summary>
internal static class AtaskerConfiguration
{
    public static void Bind(IConfiguration section, AtaskerOptions options)
    {
        options.ThreadPool = ReadPool(section, "ThreadPool", options) ?? options.ThreadPool;
        options.AsyncPool = ReadPool(section, "AsyncPool", options) ?? options.AsyncPool;
        options.ProcessPool = ReadPool(section, "ProcessPool", options) ?? options.ProcessPool;
        options.TimeoutWarning = ReadDuration(section, "TimeoutWarning", options) ?? options.TimeoutWarning;
        options.TimeoutCritical = ReadDuration(section, "TimeoutCritical", options) ?? options.TimeoutCritical;
        options.DefaultLoop = section["DefaultLoop"] ?? options.DefaultLoop;
        foreach (var loop in section.GetSection("Loops").GetChildren())
        {
            if (loop.Value is { } name)
            {
                options.Loops.Add(name);
            }
        }
    }

    private static PoolLimits? ReadPool(IConfiguration section, string name, AtaskerOptions options)
    {
        var pool = section.GetSection(name);
        if (!pool.Exists())
        {
            return null;
        }

        int? size = ReadCount(pool, "PoolSize", options);
        int? normal = ReadCount(pool, "ReserveNormal", options);
        int? high = ReadCount(pool, "ReserveHigh", options);
        if (pool["PoolSize"] is null)
        {
            options.BindingProblems.Add($"{pool.Path}:PoolSize: missing; give the pool size (0 for no limit) with the reserves.");
            return null;
        }

        return size is null || normal is null || high is null ? null : new PoolLimits(size.Value, normal.Value, high.Value);
    }

    /// <summary>A count of 0 or more (absent: 0); null when it is not one, with the problem recorded.</summary>
    private static int? ReadCount(IConfigurationSection pool, string key, AtaskerOptions options)
    {
        var text = pool[key];
        if (text is null)
        {
            return 0;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= 0)
        {
            return value;
        }

        options.BindingProblems.Add($"{pool.Path}:{key}: '{text}' is not a whole number of 0 or more.");
        return null;
    }

    /// <summary>A duration as seconds ("2.5") or a TimeSpan ("00:00:02.5"); "Infinite" turns the threshold off.</summary>
    private static TimeSpan? ReadDuration(IConfiguration section, string key, AtaskerOptions options)
    {
        var text = section[key];
        if (text is null)
        {
            return null;
        }

        if (string.Equals(text, "Infinite", StringComparison.OrdinalIgnoreCase))
        {
            return System.Threading.Timeout.InfiniteTimeSpan;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds > 0 && seconds <= TaskSupervisor.MaxDelay.TotalSeconds)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var duration) && duration > TimeSpan.Zero)
        {
            return duration;
        }

        var path = section is IConfigurationSection named ? named.Path + ":" + key : key;
        options.BindingProblems.Add($"{path}: '{text}' is not a positive duration (seconds, hh:mm:ss, or Infinite).");
        return null;
    }
}
