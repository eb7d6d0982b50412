// Prints, as JSON, what d1check needs of a wrangler config, as wrangler
// itself reads it: node -e THIS WRANGLER_PACKAGE_DIR CONFIG_PATH.
const [wranglerDir, configPath] = process.argv.slice(1);
const { unstable_readConfig } = require(wranglerDir);
const c = unstable_readConfig({ config: configPath }, { hideWarnings: true });
// Array fields that are not bindings.
const notBindings = new Set([
  'definedEnvironments', 'compatibility_flags', 'rules', 'migrations', 'd1_databases', 'routes',
  'tail_consumers', 'streaming_tail_consumers',
]);
const unsupported = [];
for (const [field, v] of Object.entries(c)) {
  if (!Array.isArray(v) || notBindings.has(field)) continue;
  for (const b of v) {
    unsupported.push({ field, name: String(b?.binding ?? b?.name ?? b?.queue ?? JSON.stringify(b)) });
  }
}
for (const [field, list] of [['durable_objects', c.durable_objects?.bindings], ['queues', c.queues?.producers], ['queues', (c.queues?.consumers ?? []).map((q) => ({ name: q.queue }))], ['unsafe', c.unsafe?.bindings]]) {
  for (const b of list ?? []) unsupported.push({ field, name: String(b.name ?? b.binding ?? '') });
}
for (const field of ['ai', 'browser', 'images', 'version_metadata', 'media']) {
  if (c[field]) unsupported.push({ field, name: String(c[field].binding ?? field) });
}
for (const field of ['wasm_modules', 'text_blobs', 'data_blobs']) {
  for (const name of Object.keys(c[field] ?? {})) unsupported.push({ field, name });
}
process.stdout.write(JSON.stringify({
  main: c.main ?? '',
  compatibility_date: c.compatibility_date ?? '',
  compatibility_flags: c.compatibility_flags ?? [],
  vars: c.vars ?? {},
  d1_databases: (c.d1_databases ?? []).map((d) => ({ binding: d.binding, migrations_dir: d.migrations_dir ?? 'migrations' })),
  unsupported,
  assets: Boolean(c.assets || c.site),
}));
