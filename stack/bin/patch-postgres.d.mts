export function patchFile(file: string): "patched" | "already";
export function patchPackages(packageDirs: string[]): Array<{ file: string; result: "patched" | "already" }>;
export function denoCopies(denoDir: string): string[];
