ALTER TABLE dbo.Customers ADD Ssn CHAR(11) NULL, TaxNotes NVARCHAR(MAX) NULL
EXEC sp_rename 'dbo.Customers.Phone', 'MobilePhone', 'COLUMN'
GO
EXEC sp_addextendedproperty
    @name = N'MS_Description', @value = N'US social security number',
    @level0type = N'SCHEMA', @level0name = N'dbo',
    @level1type = N'TABLE',  @level1name = N'Customers',
    @level2type = N'COLUMN', @level2name = N'Ssn';
GO
IF COL_LENGTH('dbo.Customers', 'IsVip') IS NULL
BEGIN
    ALTER TABLE dbo.Customers
        ADD IsVip BIT NOT NULL CONSTRAINT DF_Customers_IsVip DEFAULT 0;
END
GO
