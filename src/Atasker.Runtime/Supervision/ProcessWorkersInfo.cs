using System;
using System.Collections.Generic;

namespace Atasker;

/// <summary>The supervisor's worker processes, from <see cref="TaskSupervisor.GetProcessWorkers"/>.</summary>
/// <param name="Workers">The worker processes alive now: busy ones first, then idle ones.</param>
/// <param name="Started">Worker processes started so far.</param>
/// <param name="Lost">Worker processes that crashed, were killed or broke their pipe while the pool counted on them
/// (each is replaced by a fresh one when a task next needs it); those closed at a stop are not counted.</param>
public sealed record ProcessWorkersInfo(IReadOnlyList<ProcessWorkerInfo> Workers, long Started, long Lost);

/// <summary>One worker process.</summary>
/// <param name="ProcessId">Its operating-system process id.</param>
/// <param name="StartedAt">When it was started.</param>
/// <param name="TasksServed">The tasks it has answered.</param>
/// <param name="TaskId">The id of the task it runs now, or null while it is idle.</param>
public sealed record ProcessWorkerInfo(int ProcessId, DateTimeOffset StartedAt, long TasksServed, long? TaskId);
