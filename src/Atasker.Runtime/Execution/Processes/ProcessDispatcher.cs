using System.Threading;

namespace Atasker.CompilerServices;

/// <summary>
/// Runs the process task <paramref name="methodId"/> of one assembly inside a worker process: decodes the arguments,
/// calls the method, encodes its result. Generated, one per assembly with process tasks.
/// </summary>
/// <returns>False when the assembly has no task with that id.</returns>
public delegate bool ProcessDispatcher(ulong methodId, ProcessReader arguments, ProcessWriter result, CancellationToken cancellationToken);
