using System;

namespace Atasker;

/// <summary>The queue-wait levels already reported for a task, so each is reported once.</summary>
[Flags]
internal enum QueueWaitReports : byte
{
    None = 0,
    Warning = 1,
    Critical = 2,
}
