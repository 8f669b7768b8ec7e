/** `.sql` files are bundled as text modules (wrangler `rules`, type "Text"). */
declare module "*.sql" {
  const sql: string;
  export default sql;
}
