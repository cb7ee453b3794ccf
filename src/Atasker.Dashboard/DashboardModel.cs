using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Atasker.Dashboard;

// What the JSON endpoints return (and the page draws). Times are UTC; durations in milliseconds.

internal sealed record OverviewModel(DateTimeOffset At, IReadOnlyList<SupervisorModel> Supervisors);

internal sealed record SupervisorModel(string Id, bool IsActive, IReadOnlyList<PoolModel> Pools, IReadOnlyList<string> Loops, int Workers);

/// <summary>One pool: limits, the active and waiting tasks by priority (Low, Normal, High, Critical), and the last
/// minute's throughput and queue waits; Chart: tasks ended per second over the last minute, oldest first.</summary>
internal sealed record PoolModel(
    string Name,
    int PoolSize,
    int ReserveNormal,
    int ReserveHigh,
    int Active,
    int Queued,
    IReadOnlyList<int> ActiveByPriority,
    IReadOnlyList<int> QueuedByPriority,
    double ThroughputPerSecond,
    double QueueWaitP50Ms,
    double QueueWaitP99Ms,
    IReadOnlyList<double> Chart);

internal sealed record WorkersModel(IReadOnlyList<WorkerModel> Workers);

internal sealed record WorkerModel(
    string Supervisor,
    string Name,
    string Type,
    bool IsActive,
    string Priority,
    string Kind,
    long Executions,
    long Failures,
    DateTimeOffset? LastExecuted,
    DateTimeOffset? NextRun,
    int Queued,
    IReadOnlyList<WorkerErrorModel> Errors);

internal sealed record WorkerErrorModel(DateTimeOffset At, string Type, string Message, string StackTrace, string? Item);

internal sealed record TasksModel(int Total, int Page, int PageSize, IReadOnlyList<TaskModel> Tasks);

internal sealed record TaskModel(
    string Supervisor,
    long Id,
    string Name,
    string Priority,
    string Kind,
    string State,
    DateTimeOffset QueuedAt,
    DateTimeOffset? StartedAt,
    double WaitedMs,
    double RunningMs);

internal sealed record ProblemModel(string Error);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(OverviewModel))]
[JsonSerializable(typeof(WorkersModel))]
[JsonSerializable(typeof(TasksModel))]
[JsonSerializable(typeof(ProblemModel))]
internal sealed partial class DashboardJson : JsonSerializerContext
{
}
