using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Atasker.Dashboard;

// What the JSON endpoints return (and the page draws). Times are UTC; durations in milliseconds.

/// <summary>ActionsEnabled: whether the action endpoints are mapped (the page then shows its buttons).</summary>
internal sealed record OverviewModel(DateTimeOffset At, bool ActionsEnabled, IReadOnlyList<SupervisorModel> Supervisors);

internal sealed record SupervisorModel(
    string Id,
    bool IsActive,
    IReadOnlyList<PoolModel> Pools,
    IReadOnlyList<LoopModel> Loops,
    ProcessWorkersModel ProcessWorkers,
    int Workers);

/// <summary>An async loop: Tasks are its async tasks not yet ended.</summary>
internal sealed record LoopModel(string Name, bool IsActive, int Tasks);

/// <summary>The worker processes alive now; Started and Lost count since the supervisor began (a lost one is replaced
/// by a fresh process when a task next needs it: Lost is the restarts).</summary>
internal sealed record ProcessWorkersModel(IReadOnlyList<ProcessWorkerModel> Workers, long Started, long Lost);

/// <summary>One worker process; TaskId is null while it is idle.</summary>
internal sealed record ProcessWorkerModel(int ProcessId, DateTimeOffset StartedAt, long TasksServed, long? TaskId);

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
    bool CanTrigger,
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

/// <summary>What an action did.</summary>
internal sealed record ActionModel(string Done);

/// <summary>The antiforgery request token the page sends with each action, in the header named.</summary>
internal sealed record TokenModel(string HeaderName, string Token);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(OverviewModel))]
[JsonSerializable(typeof(WorkersModel))]
[JsonSerializable(typeof(TasksModel))]
[JsonSerializable(typeof(ProblemModel))]
[JsonSerializable(typeof(ActionModel))]
[JsonSerializable(typeof(TokenModel))]
internal sealed partial class DashboardJson : JsonSerializerContext
{
}
