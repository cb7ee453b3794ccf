using System;
using Microsoft.Extensions.Logging;

namespace Atasker;

/// <summary>Every message Atasker logs (category "Atasker"), source-generated: no formatting unless the level is on.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Task supervisor '{Supervisor}' started")]
    public static partial void SupervisorStarted(ILogger logger, string supervisor);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Task supervisor '{Supervisor}' stopped")]
    public static partial void SupervisorStopped(ILogger logger, string supervisor);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Task '{Task}' #{TaskId} of supervisor '{Supervisor}' faulted, and nobody looked at its failure before its handle was dropped")]
    public static partial void TaskFaulted(ILogger logger, Exception exception, string task, long taskId, string supervisor);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Task '{Task}' #{TaskId} has waited {Waited} for a slot of the {Pool} pool of supervisor '{Supervisor}' (warning threshold)")]
    public static partial void QueueWaitWarning(ILogger logger, string task, long taskId, TimeSpan waited, string pool, string supervisor);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Task '{Task}' #{TaskId} has waited {Waited} for a slot of the {Pool} pool of supervisor '{Supervisor}' (critical threshold)")]
    public static partial void QueueWaitCritical(ILogger logger, string task, long taskId, TimeSpan waited, string pool, string supervisor);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "An execution of worker '{Worker}' failed; the worker goes on")]
    public static partial void WorkerFailed(ILogger logger, Exception exception, string worker);

    [LoggerMessage(EventId = 8, Level = LogLevel.Error, Message = "Async loop '{Loop}' of supervisor '{Supervisor}' was still blocked by a callback {Grace} after a stop canceled its tasks; its {Abandoned} tasks were ended as canceled and the loop stopped without its thread, which a restart replaces")]
    public static partial void LoopBlocked(ILogger logger, string loop, string supervisor, TimeSpan grace, int abandoned);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "Worker process {ProcessId} was lost running task '{Task}' #{TaskId} ({Reason}); it is replaced by a new one on demand")]
    public static partial void ProcessWorkerLost(ILogger logger, int processId, string task, long taskId, string reason);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "An execution of cron worker '{Worker}' ran past {Skipped} occurrence(s) of '{Cron}', which were skipped; the next is at {Next}")]
    public static partial void CronSkipped(ILogger logger, string worker, long skipped, string cron, DateTimeOffset next);
}
