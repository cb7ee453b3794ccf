using System;
using System.Collections.Generic;

namespace Atasker.Dashboard;

/// <summary>What <see cref="DashboardEndpointRouteBuilderExtensions.MapAtaskerDashboard"/> shows.</summary>
public sealed class DashboardOptions
{
    private int _taskPageSize = 100;

    /// <summary>The supervisors to show. Empty (the default): every <see cref="TaskSupervisor"/> registered in the
    /// app's services, or <see cref="TaskSupervisor.Default"/> when none is.</summary>
    public IList<TaskSupervisor> Supervisors { get; } = [];

    /// <summary>How many tasks one page of the task list holds (1 to 1000; 100 by default).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1..1000.</exception>
    public int TaskPageSize
    {
        get => _taskPageSize;
        set => _taskPageSize = value is >= 1 and <= 1000
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The dashboard's TaskPageSize must be between 1 and 1000.");
    }

    /// <summary>
    /// Whether the dashboard may change things (false by default): cancel a task, trigger, stop or start a worker,
    /// change a pool's limits. The actions are POST endpoints behind the same authorization as the views and need an
    /// antiforgery token (register it with <c>builder.Services.AddAntiforgery()</c>); a request without a valid token
    /// gets a 400 and changes nothing.
    /// </summary>
    public bool EnableActions { get; set; }

    /// <summary>How many recent errors each worker keeps for the view (5 by default).</summary>
    public int ErrorsPerWorker { get; set; } = 5;
}
