using System;
using System.Collections.Generic;

namespace Atasker.Hosting;

/// <summary>
/// How the host sets up <see cref="TaskSupervisor.Default"/>: pool limits, queue-wait thresholds and async loops.
/// Bound from the configuration section "Atasker" by <c>AddAtasker(configuration)</c>, or set in code; checked when the
/// host starts (a bad value fails the start with an <c>OptionsValidationException</c> naming its key).
/// </summary>
public sealed class AtaskerOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Atasker";

    /// <summary>The thread pool's limits; null keeps the supervisor's (ProcessorCount × 5, 5, 5).</summary>
    public PoolLimits? ThreadPool { get; set; }

    /// <summary>The async pool's limits; null keeps the supervisor's (no limit).</summary>
    public PoolLimits? AsyncPool { get; set; }

    /// <summary>The process pool's limits; null keeps the supervisor's (ProcessorCount).</summary>
    public PoolLimits? ProcessPool { get; set; }

    /// <summary>How long a task may wait for a slot before a warning; null keeps the supervisor's (5 s).</summary>
    public TimeSpan? TimeoutWarning { get; set; }

    /// <summary>How long a task may wait for a slot before a critical report; null keeps the supervisor's (10 s).</summary>
    public TimeSpan? TimeoutCritical { get; set; }

    /// <summary>Async loops to create at start, by name.</summary>
    public IList<string> Loops { get; } = [];

    /// <summary>The loop async tasks that name none run on (created at start if needed); null: the loop named
    /// "default".</summary>
    public string? DefaultLoop { get; set; }

    /// <summary>Values the configuration held that could not be read, as "key: problem"; reported when the host
    /// starts.</summary>
    internal List<string> BindingProblems { get; } = [];
}
