using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Atasker.Runtime.Tests")]
[assembly: InternalsVisibleTo("Atasker.ProcessTests")]
[assembly: InternalsVisibleTo("Atasker.Isolation.Tests")]
[assembly: InternalsVisibleTo("Atasker.Systematic.Tests")]
[assembly: InternalsVisibleTo("Atasker.Benchmarks")]
