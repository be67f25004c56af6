"""Which globals a pickle may import: the ones that run code or reach the system, and the plain-data ones.

Matching is by module prefix: an entry for `os` covers `os.path`; `None` means every name.
A global in neither table is "unknown": importing it runs its module's code, so it needs review.
"""

from __future__ import annotations

# module -> names that run code, touch files / network / processes, or reach them ("*": all).
DANGEROUS: dict[str, frozenset[str] | None] = {
    **{m: None for m in (
        "os", "posix", "nt", "subprocess", "_posixsubprocess", "sys", "socket", "shutil", "runpy", "pty",
        "webbrowser", "importlib", "pickle", "_pickle", "cPickle", "dill", "marshal", "ctypes", "code", "codeop",
        "commands", "multiprocessing", "asyncio", "bdb", "pdb", "timeit", "cProfile", "profile", "trace",
        "doctest", "pydoc", "venv", "ensurepip", "pip", "setuptools", "distutils", "site", "imp", "zipimport",
        "platform", "requests", "urllib", "urllib2", "urllib3", "http", "httplib", "ftplib", "smtplib",
        "telnetlib", "aiohttp", "signal", "_thread", "thread", "threading", "tempfile", "glob", "fileinput",
        "torch._inductor", "torch.utils.cpp_extension", "torch.hub", "pathlib._local",
    )},
    "builtins": frozenset({"eval", "exec", "execfile", "compile", "__import__", "getattr", "setattr", "delattr",
                           "open", "input", "breakpoint", "globals", "locals", "vars", "apply", "exit", "quit",
                           "help", "memoryview", "__loader__", "__build_class__"}),
    "io": frozenset({"open", "open_code", "FileIO", "BufferedReader", "BufferedWriter"}),
    "_io": frozenset({"open", "open_code", "FileIO", "BufferedReader", "BufferedWriter"}),
    "operator": frozenset({"attrgetter", "methodcaller"}),
    "functools": frozenset({"partial", "reduce"}),
    "types": frozenset({"FunctionType", "CodeType", "MethodType", "LambdaType", "ModuleType"}),
    "torch": frozenset({"load", "jit", "compile"}),
    "torch.serialization": frozenset({"load", "_load"}),
    "torch.storage": frozenset({"_load_from_bytes"}),
    "numpy": frozenset({"load", "fromfile", "loadtxt"}),
    "numpy.lib.npyio": None,
    "joblib": frozenset({"load"}),
}
DANGEROUS["__builtin__"] = DANGEROUS["builtins"]

# Globals a plain tensor / array checkpoint needs: rebuilding containers, tensors, arrays, dtypes.
_TORCH_STORAGES = frozenset(
    f"{k}Storage" for k in ("Float", "Double", "Half", "BFloat16", "Long", "Int", "Short", "Char", "Byte", "Bool",
                            "ComplexFloat", "ComplexDouble", "QUInt8", "QInt8", "QInt32", "QUInt4x2", "Untyped")
)
SAFE: dict[str, frozenset[str] | None] = {
    "collections": frozenset({"OrderedDict", "defaultdict", "Counter", "deque"}),
    "torch._utils": frozenset({"_rebuild_tensor", "_rebuild_tensor_v2", "_rebuild_tensor_v3", "_rebuild_parameter",
                               "_rebuild_parameter_with_state", "_rebuild_qtensor", "_rebuild_sparse_tensor",
                               "_rebuild_device_tensor_from_numpy", "_rebuild_meta_tensor_no_storage",
                               "_rebuild_wrapper_subclass", "_rebuild_nested_tensor", "_rebuild_sparse_csr_tensor"}),
    "torch": _TORCH_STORAGES | frozenset({
        "Size", "device", "dtype", "float16", "float32", "float64", "bfloat16", "half", "float", "double", "int8",
        "int16", "int32", "int64", "uint8", "bool", "long", "int", "short", "complex64", "complex128",
        "float8_e4m3fn", "float8_e5m2", "per_tensor_affine", "per_channel_affine", "Tensor", "strided",
        "sparse_coo", "contiguous_format", "channels_last", "preserve_format"}),
    "torch.storage": frozenset({"UntypedStorage", "TypedStorage"}),
    "torch.nn.parameter": frozenset({"Parameter"}),
    "numpy": frozenset({"ndarray", "dtype", "float16", "float32", "float64", "int8", "int16", "int32", "int64",
                        "uint8", "bool_"}),
    "numpy.core.multiarray": frozenset({"_reconstruct", "scalar"}),
    "numpy._core.multiarray": frozenset({"_reconstruct", "scalar"}),
    "numpy.dtypes": None,
    "_codecs": frozenset({"encode"}),
    "builtins": frozenset({"set", "frozenset", "slice", "complex", "bytearray", "bytes", "list", "dict", "tuple",
                           "int", "float", "str", "bool", "range", "object", "Ellipsis", "NotImplemented"}),
    "copyreg": frozenset({"_reconstructor"}),
    "copy_reg": frozenset({"_reconstructor"}),
    "argparse": frozenset({"Namespace"}),
    "pathlib": frozenset({"PosixPath", "WindowsPath", "PurePosixPath", "PureWindowsPath", "Path"}),
    "datetime": frozenset({"datetime", "date", "time", "timedelta", "timezone"}),
    "decimal": frozenset({"Decimal"}),
    "fractions": frozenset({"Fraction"}),
    "uuid": frozenset({"UUID"}),
}
SAFE["__builtin__"] = SAFE["builtins"]


def _in(table: dict[str, frozenset[str] | None], module: str, name: str) -> bool:
    parts = module.split(".")
    for i in range(len(parts), 0, -1):
        prefix = ".".join(parts[:i])
        if prefix in table:
            names = table[prefix]
            if names is None or (i == len(parts) and name in names):
                return True
    return False


def classify(module: str, name: str) -> str:
    """'dangerous', 'safe' or 'unknown' for one global."""
    if _in(DANGEROUS, module, name):
        return "dangerous"
    if _in(SAFE, module, name):
        return "safe"
    return "unknown"
