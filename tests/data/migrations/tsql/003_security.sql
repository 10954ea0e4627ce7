CREATE ROLE [CrmReaders] AUTHORIZATION [dbo];
CREATE ROLE [Support];
CREATE USER [ReportingApp] WITHOUT LOGIN;
CREATE USER [Alice] FOR LOGIN [CORP\alice];
ALTER ROLE [CrmReaders] ADD MEMBER [ReportingApp];
EXEC sp_addrolemember N'Support', N'Alice';
ALTER ROLE [db_datareader] ADD MEMBER [AuditSvc];
GO
GRANT SELECT ON SCHEMA::[dbo] TO [CrmReaders];
GRANT SELECT ON [dbo].[Customers] ([CustomerId], [Email], [FirstName]) TO [Support];
GRANT SELECT ON OBJECT::dbo.Customers TO public;
REVOKE SELECT ON OBJECT::dbo.Customers FROM public;
DENY SELECT ON dbo.Customers (Email) TO [Support];
GO
